// What the observer needs of the runtime, the code server and the printer, gathered into one
// object by the layer that starts it (the shell's observer(), or a benchmark). The observer
// itself is a separate bundle (dist/observer.js), loaded on first use: were it to import these
// modules, it would carry a second runtime of its own, with its own empty process table.
// Nothing here runs until observer() is called: importing this file only defines a function.
import { allProcesses, liveProcessCount } from '../runtime/table';
import { lookupProcess, processMemory } from '../runtime/introspection';
import { currentProcess, runQueueLength, setMessageTap, tappedMessages } from '../runtime/scheduler';
import { exit, send, spawn } from '../runtime/api';
import { exitProcess } from '../runtime/exits';
import { isPid, pid } from '../runtime/pid';
import { List } from '../runtime/terms';
import { localNodeName } from '../runtime/node';
import { is_alive, nodes, rpcThen } from '../dist/api';
import { codeServer } from '../code/codeServer';
import { formatValue } from '../io/print';
import { writeOutput } from '../runtime/output';
import type { ObserverDistribution, ObserverRuntime } from './observerRuntime';

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
    processMemory,
    dist: observerDistribution,
  };
}

const observerDistribution: ObserverDistribution = {
  localNode: localNodeName,
  alive: is_alive,
  nodes: () => nodes(),
  call: (node, module, fn, args, timeoutMs) =>
    new Promise((resolve) => {
      // Should the calling process be killed (from the observer's own page), the answer is
      // a timeout all the same: a reader never waits forever.
      const fallback = setTimeout(() => resolve(['badrpc', 'timeout']), timeoutMs + 1000);
      const answered = (answer: unknown): void => {
        clearTimeout(fallback);
        resolve(answer);
      };
      spawn(observerRpc, [node, module, fn, args, timeoutMs, answered]);
    }),
  list: (items) => new List(items),
  listItems: (value) => (value instanceof List ? value.items : undefined),
  isPid,
  exitRemote: (to, reason) => void exit(to, reason),
};

/** The process an observer's rpc call is made from (rpc:call waits in a process, as in erl). */
function observerRpc(node: string, module: string, fn: string, args: readonly unknown[], timeoutMs: number, answered: (answer: unknown) => void): unknown {
  return rpcThen(node, module, fn, args, (answer) => (answered(answer), answer), timeoutMs);
}
