// Entry of the evaluator thread: the runtime, the code server and the shell's evaluator run
// here, away from the terminal, so that a busy loop in user code never freezes the prompt
// (see docs/DESIGN.md). Everything printed leaves through one ordered channel to the
// terminal thread.

import path from 'node:path';
import { workerData } from 'node:worker_threads';
import { format } from 'node:util';
import { setOutputSink, writeOutput } from '../../runtime/output';
import { configureScheduler, requestYield } from '../../runtime/scheduler';
import { waitForAnchor } from '../../runtime/sigintAnchorThread';
import { initCodePath } from '../../code/codePath';
import { moduleDocs } from '../../code/docs';
import { Shell } from './shell';
import { changeShellDirectory, initShellDirectory } from './directory';
import { complete } from './completion';
import { menuAnswer } from './menus';
import { unreachable, type EvaluatorWorkerData, type FromEvaluator, type ToEvaluator, type TransformRequestOptions } from '../protocol';
import type { Message, TransformResult } from 'esbuild';
import { setTransformer } from '../../code/compile';
import { HEALTH_SLOTS, OUTPUT_PAUSE_AT, OUTPUT_RESUME_AT, healthSlots, writeLossSummary } from '../evaluatorThreadHealth';
import { lossSummary } from './lossSummary';
import { containUserCode } from './containment';
import { countOutput } from './printers';
import { versionLine } from '../version';
import { findStartupFile } from './startupFile';
import { moduleWatcher } from '../../code/moduleWatcher';
import { configureDistribution, is_alive, net_adm, node, onDistributionStarted, startDistribution } from '../../dist/api';
import { evaluateRemotely, startRemoteShellServer, teeOutput } from './remoteShell';
import { spawn } from '../../runtime/api';
import { startObserverAndPrint } from './builtins';

const data = workerData as EvaluatorWorkerData;
// Before any user code can run: the port to the terminal is ours alone, timers are charged to
// processes, process.exit ends a process, and the built-ins the runtime uses are recorded.
const { port, exitThread } = containUserCode();
let columns = data.columns || 80;
const health = healthSlots(data.health);
Atomics.store(health, HEALTH_SLOTS.kept, 1);
let pendingOutput = '';
let flushScheduled = false;
/** Output within this long of the last message joins the next one (a flood costs a message a turn). */
const COALESCE_MS = 10;
let lastFlushAt = 0;
/** How often the loss summary is refreshed besides after each evaluation. */
const SUMMARY_EVERY_MS = 250;

function post(message: FromEvaluator): void {
  flushOutput();
  port.postMessage(message);
}

/**
 * Output is coalesced per turn of the event loop: a chatty process costs one message a turn.
 * When the terminal falls behind, the printing code waits here until it catches up, as
 * Erlang's io:format waits for the group leader: otherwise a process printing in a tight
 * loop would queue output (and bury the shell's answers) without bound. Inside a batch the
 * wait is still stopped by Ctrl-C's SIGINT, like any runaway code.
 */
function queueOutput(text: string): void {
  countOutput(text.length);
  pendingOutput += text;
  if (Atomics.load(health, HEALTH_SLOTS.outputInFlight) + pendingOutput.length >= OUTPUT_PAUSE_AT) {
    flushOutput();
    waitForTerminal();
    requestYield();
  } else if (performance.now() - lastFlushAt >= COALESCE_MS) {
    // Output that is not a flood goes at once: code printing inside one long step (which no
    // setImmediate interrupts) shows each line when it prints it, as erl does.
    flushOutput();
  } else if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushOutput);
  }
}

function flushOutput(): void {
  flushScheduled = false;
  if (pendingOutput === '') return;
  lastFlushAt = performance.now();
  const text = pendingOutput;
  pendingOutput = '';
  Atomics.add(health, HEALTH_SLOTS.outputInFlight, text.length);
  port.postMessage({ t: 'output', text } satisfies FromEvaluator);
}

function waitForTerminal(): void {
  // Flagged so that the terminal does not take this wait for code holding the thread.
  Atomics.store(health, HEALTH_SLOTS.waitingForTerminal, 1);
  try {
    for (;;) {
      const inFlight = Atomics.load(health, HEALTH_SLOTS.outputInFlight);
      if (inFlight <= OUTPUT_RESUME_AT) return;
      // Bounded, so that a lost wake-up costs a moment and not the session.
      Atomics.wait(health, HEALTH_SLOTS.outputInFlight, inFlight, 100);
    }
  } finally {
    Atomics.store(health, HEALTH_SLOTS.waitingForTerminal, 0);
  }
}

/** Kept current so that the terminal can say what a restart of this thread lost. */
function refreshLossSummary(): void {
  try {
    writeLossSummary(data.health, lossSummary(shell));
  } catch {
    // the summary is a courtesy: the previous one stays
  }
}

setOutputSink((text) => {
  queueOutput(text);
  teeOutput(text);
});
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  console[method] = (...args: unknown[]) => writeOutput(`${format(...args)}\n`);
}

// Everything above only loaded code; from here on the scheduler may run user code under the
// SIGINT watchdog, which must not happen before the anchor thread (started with us) is up.
if (data.anchor) waitForAnchor(data.anchor);
configureScheduler({ interruptible: true, shared: new Int32Array(data.shared) });
initShellDirectory(data.cwd);
/** The package's own lessons (modules/ beside dist/), searched after everything else. */
const codePathOptions = (cwd: string) => ({
  cwd,
  extraDirs: data.pathDirs,
  fallbackDirs: [path.resolve(__dirname, '..', 'modules')],
});
for (const missing of initCodePath(codePathOptions(data.cwd))) writeOutput(`*** code path: ${missing.message}\n`);

const shell = new Shell({
  color: () => data.color,
  columns: () => columns,
  halt: (code) => post({ t: 'halt', code }),
  changeDirectory: (dir) => {
    const target = changeShellDirectory(dir);
    initCodePath(codePathOptions(target));
    post({ t: 'chdir', dir: target });
    return target;
  },
  docs: moduleDocs,
  shellRestarted: (prompt) => post({ t: 'ready', prompt, node: aliveNode() }),
  versionLine: () => versionLine(__dirname),
});

/** Transforms asked of the terminal thread's esbuild service, by request id. */
const transforms = new Map<number, { resolve(result: TransformResult): void; reject(reason: unknown): void }>();
let lastTransformId = 0;
setTransformer((source, options) =>
  new Promise((resolve, reject) => {
    const id = ++lastTransformId;
    transforms.set(id, { resolve, reject });
    post({ t: 'transform', id, source, options: options as TransformRequestOptions });
  }),
);

function transformed(message: Extract<ToEvaluator, { t: 'transformed' }>): void {
  const waiting = transforms.get(message.id);
  transforms.delete(message.id);
  if (!waiting) return;
  if (message.code !== undefined) {
    waiting.resolve({ code: message.code, map: '', warnings: (message.warnings ?? []) as Message[], mangleCache: undefined, legalComments: undefined });
  } else if (message.errors !== undefined) {
    // Shaped as esbuild's own rejection, which the code server reads errors and warnings from.
    waiting.reject(Object.assign(new Error('esbuild: compile error'), { errors: message.errors, warnings: message.warnings ?? [] }));
  } else {
    waiting.reject(new Error(message.failure ?? 'esbuild failed'));
  }
}
/** Set while -sname/-name brings the node up: evaluations wait for it. */
let nodeStarting: Promise<void> | undefined;

port.on('message', (message: ToEvaluator) => {
  // Counted first: the terminal compares it with what it sent to tell a busy thread from one
  // whose event loop no longer turns.
  Atomics.add(health, HEALTH_SLOTS.messagesHandled, 1);
  switch (message.t) {
    case 'transformed':
      transformed(message);
      break;
    case 'eval': {
      const remote = data.distribution?.remsh;
      const evaluate = (): void =>
        remote !== undefined
          ? evaluateRemotely(remote, message.source, (reply) => post({ t: 'result', id: message.id, ...reply, node: remote }))
          : void shell.evaluate(message.source, message.id, (reply) => {
              post({ t: 'result', id: message.id, ...reply, node: aliveNode() });
              refreshLossSummary();
            }, message.awaitValue === true);
      // Inputs typed while the node comes alive wait for it, in order.
      if (nodeStarting) void nodeStarting.then(evaluate);
      else evaluate();
      break;
    }
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
    case 'process-info':
    case 'system-info':
    case 'loaded-modules':
    case 'version':
    case 'list-jobs':
    case 'start-job':
    case 'connect-job':
    case 'interrupt-job':
    case 'kill-job':
    case 'kill-printer':
      post(menuAnswer(shell, message));
      break;
    case 'resize':
      columns = message.columns;
      break;
    case 'shutdown':
      flushOutput();
      exitThread(0);
      break;
    default:
      unreachable(message);
  }
});

if (data.watch) moduleWatcher().watchAll();

/** The startup file, once the node (if any) is up: erl reads .erlang after distribution starts. */
function runStartupFile(): void {
  const startupFile = data.startupFile ? findStartupFile(data.cwd) : undefined;
  if (startupFile) shell.runStartupFile(startupFile, data.cwd);
}

setInterval(refreshLossSummary, SUMMARY_EVERY_MS).unref();
refreshLossSummary();

/** This node's name for the prompt, while distribution runs. */
function aliveNode(): string | undefined {
  return is_alive() ? node() : undefined;
}

/** Ids of evaluations a remote terminal asked for (negative: never a terminal's own). */
let remoteEvaluations = 0;
// Every named node serves -remsh terminals, however it came alive.
onDistributionStarted(() => startRemoteShellServer((source, reply) => void shell.evaluate(source, --remoteEvaluations, reply)));

/** -remsh: the remote node must answer before the first prompt, as erl's -remsh requires. */
async function connectRemoteShell(remote: string): Promise<void> {
  const answer = await new Promise<unknown>((resolve) => {
    spawn(async () => resolve(await (net_adm.ping(remote) as unknown as PromiseLike<unknown>)));
  });
  if (answer !== 'pong') {
    writeOutput(`Could not connect to "${remote}"\n`);
    post({ t: 'halt', code: 1 });
  }
}

/** -sname/-name: the node comes alive before the first evaluation, as erl's does. */
async function startNode(settings: NonNullable<EvaluatorWorkerData['distribution']>): Promise<void> {
  configureDistribution({
    ...(settings.cookie === undefined ? {} : { cookie: settings.cookie }),
    ...(settings.tickTime === undefined ? {} : { tickTime: settings.tickTime }),
  });
  if (settings.name === undefined) return;
  try {
    await startDistribution(settings.name);
    if (settings.remsh !== undefined) await connectRemoteShell(settings.remsh);
  } catch (err) {
    // erl does not come up without its distribution either.
    writeOutput(`Protocol 'inet_tcp': ${(err as Error).message}\n`);
    post({ t: 'halt', code: 1 });
  }
}

if (data.distribution) {
  nodeStarting = startNode(data.distribution).then(() => {
    nodeStarting = undefined;
    runStartupFile();
    post({ t: 'ready', prompt: shell.activeJob.promptNumber, node: aliveNode() });
  });
} else {
  runStartupFile();
  post({ t: 'ready', prompt: shell.activeJob.promptNumber });
}
if (data.observer) {
  startObserverAndPrint().catch((error: unknown) => writeOutput(`*** observer: ${error instanceof Error ? error.message : String(error)}\n`));
}
