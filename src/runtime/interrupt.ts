// Entering user code so that Ctrl-C can stop it. JavaScript cannot preempt a busy loop, but a
// script run with `breakOnSigint` is terminated by Node's SIGINT watchdog, and the
// termination surfaces as a catchable ERR_SCRIPT_EXECUTION_INTERRUPTED at the call site.
// The scheduler enters every batch (and every timer callback of module code) through here
// when the shell asks for it; see docs/DESIGN.md, "Runaway code".
import vm from 'node:vm';

// The prebuilt script calls whatever function sits in this global slot; the slot is filled
// right before each run, so two runtime copies in one thread never see each other's call.
const SLOT = '__eshellTsGuardedCall';
const script = new vm.Script(`globalThis.${SLOT}()`, { filename: 'eshell-ts:guarded-call' });

let depth = 0;

/**
 * Runs `fn` where SIGINT can stop it. Returns false when it was stopped, true otherwise;
 * exceptions from `fn` propagate. Nested calls run directly: the outer guard covers them.
 */
export function runGuarded(fn: () => void): boolean {
  if (depth > 0) {
    fn();
    return true;
  }
  const global = globalThis as unknown as Record<string, unknown>;
  global[SLOT] = fn;
  depth++;
  try {
    script.runInThisContext({ breakOnSigint: true });
    return true;
  } catch (error) {
    if (isInterruption(error)) return false;
    throw error;
  } finally {
    depth--;
    global[SLOT] = undefined;
  }
}

export function isInterruption(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
}
