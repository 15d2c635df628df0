// The public API plus the runtime's internals, for the shell, the code server, tests and
// benchmarks. A separate bundle is a separate runtime: use one of index/internal consistently.
export * from './index';
export { Process, type ProcessStatus } from './runtime/process';
export { currentProcess, configureScheduler, runAs, type SchedulerOptions } from './runtime/scheduler';
export { allProcesses } from './runtime/table';
export { lookupProcess, describeProcess } from './runtime/introspection';
export { exitProcess, onProcessExit } from './runtime/exits';
export { spawnProcess, newProcess } from './runtime/spawn';
export { wrapTimers, type ProcessTimers } from './runtime/timers';
export { installRejectionTracking } from './runtime/rejections';
export { startSigintAnchor, type SigintAnchor } from './runtime/anchor';
export { matches } from './runtime/patterns';
export { isRef } from './runtime/pid';
export { writeOutput, setOutputSink } from './io/output';
export { codeServer, CodeServer, type ModuleVersion, type LoadResult } from './code/codeServer';
export { initCodePath, findModule, listModules, getPath, addPath } from './code/codePath';
export { checkInBackground, checkNow, typeErrorsOf, warnAboutTypeErrors, formatTypeDiagnostics, setBackgroundChecks, stopTypeChecker, typeCheckerStarted, useTypeCheckWorker } from './code/typeCheck';
