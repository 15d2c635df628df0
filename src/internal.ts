// The public API plus the runtime's internals, for tests and benchmarks (the shell's bundles
// import the sources directly). A separate bundle is a separate runtime: use one of
// index/internal consistently.
export * from './index';
export { Process, type ProcessStatus } from './runtime/process';
export { currentProcess, configureScheduler, takeAllMessages, type SchedulerOptions } from './runtime/scheduler';
export { lookupProcess } from './runtime/introspection';
export { exitProcess, onProcessExit } from './runtime/exits';
export { wrapTimers, type ProcessTimers } from './runtime/timers';
export { setReceiveClock } from './runtime/receiveTimer';
export { SimulatedClock, type Clock } from './runtime/clock';
export { installRejectionTracking } from './runtime/rejections';
export { startSigintAnchor, type SigintAnchor } from './runtime/sigintAnchorThread';
export { matches } from './runtime/patterns';
export { setOutputSink } from './runtime/output';
export { codeServer, type ModuleVersion, type LoadResult } from './code/codeServer';
export * as shellCommands from './shell/evaluator/shellCommands';
export { initCodePath, findModule, listModules, getPath } from './code/codePath';
export { checkInBackground, checkNow, typeErrorsOf, formatTypeDiagnostics, setBackgroundChecks, stopTypeChecker, typeCheckerStarted, useTypeCheckWorker } from './code/typeCheck';
export { setLocalNode, localNodeName, localNodeCreation, setNodeIndexer, type NodeIndexer } from './runtime/node';
export { encodeTermInto, decodeTermAt, TermWriter, limits as etfLimits } from './dist/etf';
export { formatValue } from './io/print';
export { exactlyEqual } from './runtime/terms';
export { observerRuntime } from './observer/runtimeHost';
