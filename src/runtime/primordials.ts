// The timer functions the whole bundle uses, captured before any user code runs: the build
// injects these in place of the globals (esbuild `inject`, scripts/esbuildOptions.mjs), so code
// typed at the prompt that replaces or deletes `setImmediate` or `setTimeout` cannot stop the
// scheduler, the code server or the terminal. The evaluator thread then installs timers that
// charge callbacks to processes as the globals user code sees; a bundle loaded later in the
// thread (the observer) still gets the originals, kept under a registered symbol by the first.
const KEY = Symbol.for('eshell-ts.primordial-timers');

interface Timers {
  setTimeout: typeof globalThis.setTimeout;
  clearTimeout: typeof globalThis.clearTimeout;
  setInterval: typeof globalThis.setInterval;
  clearInterval: typeof globalThis.clearInterval;
  setImmediate: typeof globalThis.setImmediate;
  clearImmediate: typeof globalThis.clearImmediate;
  queueMicrotask: typeof globalThis.queueMicrotask;
}

const holder = globalThis as unknown as Record<symbol, Timers | undefined>;
let captured = holder[KEY];
if (captured === undefined) {
  const g = globalThis;
  captured = Object.freeze({
    setTimeout: g.setTimeout, clearTimeout: g.clearTimeout,
    setInterval: g.setInterval, clearInterval: g.clearInterval,
    setImmediate: g.setImmediate, clearImmediate: g.clearImmediate,
    queueMicrotask: g.queueMicrotask,
  });
  Object.defineProperty(globalThis, KEY, { value: captured, writable: false, configurable: false, enumerable: false });
}

const originalSetTimeout = captured.setTimeout;
const originalClearTimeout = captured.clearTimeout;
const originalSetInterval = captured.setInterval;
const originalClearInterval = captured.clearInterval;
const originalSetImmediate = captured.setImmediate;
const originalClearImmediate = captured.clearImmediate;
const originalQueueMicrotask = captured.queueMicrotask;

export {
  originalSetTimeout as setTimeout,
  originalClearTimeout as clearTimeout,
  originalSetInterval as setInterval,
  originalClearInterval as clearInterval,
  originalSetImmediate as setImmediate,
  originalClearImmediate as clearImmediate,
  originalQueueMicrotask as queueMicrotask,
};
