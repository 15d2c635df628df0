// The timer functions the whole bundle uses, captured when the bundle loads, before any user
// code runs: the build injects these in place of the globals (esbuild `inject`), so code typed
// at the prompt that replaces or deletes `setImmediate` or `setTimeout` cannot stop the
// scheduler, the code server or the terminal. (The evaluator thread then installs timers that
// attribute callbacks to processes as the globals user code sees.)
const captured = globalThis;
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
