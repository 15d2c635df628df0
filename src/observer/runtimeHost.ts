// What the observer needs of the runtime, the code server and the printer, gathered into one
// object by the layer that starts it (the shell's observer(), or a benchmark). The observer
// itself is a separate bundle (dist/observer.js), loaded on first use: were it to import these
// modules, it would carry a second runtime of its own, with its own empty process table.
// Nothing here runs until observer() is called: importing this file only defines a function.
import { allProcesses, liveProcessCount } from '../runtime/table';
import { lookupProcess } from '../runtime/introspection';
import { currentProcess, runQueueLength, setMessageTap, tappedMessages } from '../runtime/scheduler';
import { send } from '../runtime/api';
import { exitProcess } from '../runtime/exits';
import { pid } from '../runtime/pid';
import { codeServer } from '../code/codeServer';
import { formatValue } from '../io/print';
import { writeOutput } from '../runtime/output';
import type { ObserverRuntime } from './observerRuntime';

export function observerRuntime(): ObserverRuntime {
  return {
    allProcesses,
    liveProcessCount,
    lookupProcess: (id) => lookupProcess(id),
    currentProcess,
    runQueueLength,
    setMessageTap,
    tappedMessages,
    send: (to, message) => void send(to, message),
    exitProcess,
    pid: (id) => pid(0, id, 0),
    formatValue,
    writeOutput,
    codeServer,
  };
}
