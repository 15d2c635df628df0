// The few pieces of the runtime and of io that the code server uses, gathered in one place so
// the code server's dependency on the rest of the system is visible at a glance.
export { currentProcess, runningProcess, runAs } from '../runtime/scheduler';
export { allProcesses } from '../runtime/table';
export { spawn } from '../runtime/spawn';
export { exitProcess } from '../runtime/exits';
export { handleModuleName, MODULE_NAME_KEY } from '../runtime/process';
export { wrapTimers } from '../runtime/timers';
export { ErlangException } from '../runtime/errors';
export { staysInCode } from '../runtime/receive';
export { setFunctionLocator } from '../runtime/receive';
export { CALL_SITES, type CallSiteSummary } from '../runtime/stackFrames';
export { writeOutput } from '../runtime/output';
export { formatThrown } from '../io/exception';
export { formatTerm } from '../io/print';

/**
 * The public API object: what a loaded module gets for `import ... from 'eshell-ts'`. The
 * index imports the code server (for moduleHandle), so this import is a cycle: read `api`
 * only when a module loads, never while the bundle initialises.
 */
import * as api from '../index';
export { api };
