// Entry of the evaluator thread: the runtime, the code server and the shell's evaluator run
// here, away from the terminal, so that a busy loop in user code never freezes the prompt
// (see docs/DESIGN.md). Everything printed leaves through one ordered channel to the
// terminal thread.

import { parentPort, workerData } from 'node:worker_threads';
import { format } from 'node:util';
import { setOutputSink, writeOutput } from '../io/output';
import { configureScheduler } from '../runtime/scheduler';
import { initCodePath } from '../code/codePath';
import { moduleDocs } from '../code/docs';
import { Shell } from './shell';
import { changeShellDirectory, initShellDirectory } from './directory';
import { complete } from './completion';
import { menuAnswer } from './menus';
import type { FromEvaluator, ToEvaluator } from './protocol';

interface EvaluatorData {
  shared: SharedArrayBuffer;
  pathDirs: string[];
  color: boolean;
  cwd: string;
  tty: boolean;
  columns: number;
}

const data = workerData as EvaluatorData;
const port = parentPort!;
let columns = data.columns || 80;
let pendingOutput = '';
let flushScheduled = false;

function post(message: FromEvaluator): void {
  flushOutput();
  port.postMessage(message);
}

/** Output is coalesced per turn of the event loop: a chatty process costs one message a turn. */
function queueOutput(text: string): void {
  pendingOutput += text;
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushOutput);
  }
}

function flushOutput(): void {
  flushScheduled = false;
  if (pendingOutput === '') return;
  const text = pendingOutput;
  pendingOutput = '';
  port.postMessage({ t: 'output', text } satisfies FromEvaluator);
}

setOutputSink(queueOutput);
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  console[method] = (...args: unknown[]) => writeOutput(`${format(...args)}\n`);
}

configureScheduler({ interruptible: true, shared: new Int32Array(data.shared) });
initShellDirectory(data.cwd);
initCodePath({ cwd: data.cwd, extraDirs: data.pathDirs });

const shell = new Shell({
  color: () => data.color,
  columns: () => columns,
  halt: (code) => post({ t: 'halt', code }),
  changeDirectory: (dir) => {
    const target = changeShellDirectory(dir);
    initCodePath({ cwd: target, extraDirs: data.pathDirs });
    post({ t: 'chdir', dir: target });
    return target;
  },
  docs: moduleDocs,
});

port.on('message', (message: ToEvaluator) => {
  switch (message.t) {
    case 'eval':
      void shell.evaluate(message.source, (reply) => post({ t: 'result', id: message.id, ...reply }));
      break;
    case 'complete': {
      let completion = { replaceFrom: message.cursor, candidates: [] as string[] };
      try {
        completion = complete(shell, message.line, message.cursor);
      } catch {
        // Completion is a convenience: a failure offers nothing rather than an error.
      }
      post({ t: 'completion', id: message.id, ...completion });
      break;
    }
    case 'interrupt':
      shell.activeJob.interrupt();
      break;
    case 'menu':
      post({ t: 'menu-answer', id: message.id, text: menuAnswer(shell, message.command, message.arg) });
      break;
    case 'resize':
      columns = message.columns;
      break;
    case 'shutdown':
      flushOutput();
      process.exit(0);
  }
});

post({ t: 'ready', prompt: shell.activeJob.promptNumber });
