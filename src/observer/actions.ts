// The observer page's look into one process and its actions on it: send a message typed in
// the shell's notation, send an exit signal, kill. Each answers with a reply the page shows;
// a failure (a message that does not parse, a process that has died) touches nothing else.
import { rt } from './observerRuntime';
import { LiteralError, parseLiteral } from './literal';
import { NOT_IN_MODULE, type Sampler } from './sampler';
import type { ActionReply, CodeState, ProcessDetail } from './protocol';

/** Messages of an opened process shown on the page; the rest are counted. */
const MAILBOX_SHOWN = 100;
/** Width the page prints messages in (its panel fits about this many characters). */
const PRINT_WIDTH = 72;

const PID_TEXT = /^\s*<0\.(\d+)\.0>\s*$/;

function processOfText(pid: string) {
  const found = PID_TEXT.exec(pid);
  return found === null ? undefined : rt().lookupProcess(Number(found[1]));
}

export function detailOf(pid: string, sampler: Sampler): ProcessDetail {
  const proc = processOfText(pid);
  if (proc === undefined) return { pid, alive: false };
  const row = sampler.latest()?.rows.find((r) => r.id === proc.pid.id);
  const ext = proc.ext;
  const versions: [string, number, CodeState][] = [];
  if (ext !== null && ext.firstModule !== undefined) {
    const entered: [string, number][] = [[ext.firstModule, ext.firstModuleVersion], ...(ext.versions ?? [])];
    for (const [module, version] of entered) {
      if (version !== NOT_IN_MODULE) versions.push([module, version, rt().codeServer.current(module)?.version === version ? 'current' : 'old']);
    }
  }
  return {
    pid: String(proc.pid),
    alive: true,
    row,
    mailbox: proc.mailbox.slice(0, MAILBOX_SHOWN).map((message) => rt().formatValue(message, { width: PRINT_WIDTH })),
    mailboxLength: proc.mailbox.length,
    links: [...proc.links].map((other) => String(other.pid)),
    monitors: [...(ext?.monitors?.values() ?? [])].map((m) => String(m.target.pid)),
    monitoredBy: [...(ext?.monitoredBy?.values() ?? [])].map((m) => String(m.watcher.pid)),
    trapExit: proc.trapExit,
    versions,
    history: sampler.history(proc.pid.id),
  };
}

export function performAction(request: unknown): ActionReply {
  if (typeof request !== 'object' || request === null) return { ok: false, error: 'an action is a JSON object' };
  const { action, pid, message, reason } = request as Record<string, unknown>;
  if (action !== 'send' && action !== 'exit' && action !== 'kill') {
    return { ok: false, error: `unknown action ${JSON.stringify(action)}: send, exit or kill` };
  }
  if (typeof pid !== 'string' || !PID_TEXT.test(pid)) return { ok: false, error: `${JSON.stringify(pid)} is not a pid such as <0.3.0>` };
  const proc = processOfText(pid);
  if (proc === undefined) return { ok: false, error: `no process ${pid.trim()}: it has exited` };
  const target = String(proc.pid);
  switch (action) {
    case 'send': {
      const value = parsed(message, 'message');
      if (!value.ok) return value;
      rt().send(proc.pid, value.value);
      return { ok: true, text: `sent ${rt().formatValue(value.value, { singleLine: true })} to ${target}` };
    }
    case 'exit': {
      const value = parsed(reason, 'reason');
      if (!value.ok) return value;
      rt().exitProcess(proc, value.value);
      return { ok: true, text: `sent exit signal ${rt().formatValue(value.value, { singleLine: true })} to ${target}` };
    }
    case 'kill':
      rt().exitProcess(proc, 'kill');
      return { ok: true, text: `killed ${target}` };
  }
}

function parsed(text: unknown, what: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof text !== 'string') return { ok: false, error: `the ${what} is missing` };
  try {
    return { ok: true, value: parseLiteral(text) };
  } catch (error) {
    if (error instanceof LiteralError || error instanceof RangeError) return { ok: false, error: `the ${what} does not parse: ${error.message}` };
    throw error;
  }
}
