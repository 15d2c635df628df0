// The terminal thread: `eshell-ts`. Parses the command line, prints the banner and the first
// prompt at once, and only then starts the evaluator thread (docs/DESIGN.md, "Threads").
// Without a terminal it runs the forms on stdin (or -e) in order and exits.

import path from 'node:path';
import { BatchSession, FormSplitter } from './batchSession';
import { isDumbTerminal, parseArgs, USAGE, useColor, type ShellOptions } from './cli';
import { distFile, EvaluatorConnection, type ConnectionHandlers } from './evaluatorThreadConnection';
import { isComplete } from '../forms';
import { defaultHistoryFile, History } from './history';
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON } from './keys';
import { TerminalSession } from './terminalSession';
import { packageVersion, versionLine } from '../version';

const out = process.stdout;
const stdin = process.stdin;
const write = (text: string): void => {
  out.write(text);
};

function banner(): string {
  return `${versionLine(__dirname)} (abort with ^G)\n`;
}

function columns(): number {
  return out.columns || 80;
}

function connect(options: ShellOptions, tty: boolean, handlers: ConnectionHandlers): EvaluatorConnection {
  // Worker threads cannot chdir: cd() in the shell asks us to move the whole process.
  const withChdir: ConnectionHandlers = {
    message: (msg) => (msg.t === 'chdir' ? changeDirectory(msg.dir) : handlers.message(msg)),
    strayOutput: (text) => handlers.strayOutput(text),
    died: (reason, wasReady) => handlers.died(reason, wasReady),
  };
  // ESHELL_TS_EVALUATOR swaps the worker entry: the terminal tests run against a fake one.
  const entry = process.env.ESHELL_TS_EVALUATOR || distFile('evaluator-boot.js');
  return new EvaluatorConnection(entry, distFile('sigint-anchor.js'), {
    pathDirs: options.pathDirs,
    color: useColor(options, !!out.isTTY, process.env),
    cwd: process.cwd(),
    tty,
    columns: columns(),
    startupFile: tty && !options.noRc,
    watch: options.watch,
    ...(options.node === undefined && options.cookie === undefined && options.netTickTime === undefined
      ? {}
      : { distribution: { name: options.node, cookie: options.cookie, tickTime: options.netTickTime, remsh: options.remsh } }),
    observer: options.observer,
  }, withChdir, tty);
}

function changeDirectory(dir: string): void {
  try {
    process.chdir(dir);
  } catch {
    // the evaluator checked the directory; if it vanished since, relative paths stay as they were
  }
}

let terminalRestored = true;
const dumb = isDumbTerminal(process.env);

/** Leaves raw mode, turns bracketed paste off, shows the cursor. Safe to call twice. */
function restoreTerminal(): void {
  if (terminalRestored) return;
  terminalRestored = true;
  try {
    if (!dumb) out.write(BRACKETED_PASTE_OFF + '\x1b[?25h');
    if (stdin.isTTY) stdin.setRawMode(false);
  } catch {
    // the terminal may already be gone (SIGHUP)
  }
}

/** Raw mode and bracketed paste: at start, and again after a suspension (`fg`). */
function takeTerminal(): void {
  stdin.setRawMode(true);
  terminalRestored = false;
  if (!dumb) write(BRACKETED_PASTE_ON);
}

/**
 * Ctrl-Z or SIGTSTP: give the terminal back cooked, then stop (SIGSTOP, since our own SIGTSTP
 * handler replaces the default stop) until the job-control shell continues us.
 */
function suspend(session: TerminalSession): void {
  session.suspending();
  restoreTerminal();
  process.kill(process.pid, 'SIGSTOP');
}

function exitAfter(connection: EvaluatorConnection, code: number): void {
  restoreTerminal();
  // Never hang on the way out: a worker deaf to terminate() must not keep us here.
  setTimeout(() => process.exit(code), 1000).unref();
  void connection.stop().finally(() => out.write('', () => process.exit(code)));
}

function runInteractive(options: ShellOptions): void {
  // Runaway code is stopped with a real SIGINT to ourselves (see evaluatorThreadConnection.ts); it
  // must never end the session, whether or not a breakOnSigint watchdog is listening.
  process.on('SIGINT', () => {});
  const history = new History(defaultHistoryFile());
  let connection: EvaluatorConnection | undefined;
  const talk = recordedSession(options, () => session);
  const session: TerminalSession = new TerminalSession({
    history,
    isComplete,
    write: talk.write,
    columns,
    exit: (code) => (connection ? exitAfter(connection, code) : (restoreTerminal(), process.exit(code))),
    suspend: () => suspend(session),
    plain: dumb,
    node: options.remsh ?? options.node,
    banner,
  });
  takeTerminal();
  talk.write(banner());
  for (const note of talk.prepare()) talk.write(note);
  session.start();
  process.on('SIGTSTP', () => suspend(session));
  process.on('SIGCONT', () => {
    if (!terminalRestored) return; // continued without having stopped for us
    takeTerminal();
    session.resumed();
  });

  connection = connect(options, true, session);
  session.attach(connection);
  connection.start();
  const historyWarning = history.load();
  if (historyWarning) session.message({ t: 'output', text: historyWarning });
  talk.start();

  stdin.on('data', (chunk: Buffer) => {
    if (!talk.key(chunk)) session.input(chunk);
  });
  stdin.on('end', () => session.quit(0));
  out.on('resize', () => {
    session.resized();
    talk.resized();
  });
  process.on('SIGTERM', () => session.quit(143));
  process.on('SIGHUP', () => session.quit(129));
}

/**
 * `--record` and `--replay` (recording.ts, a bundle loaded only with them): what the terminal
 * writes and what is typed go to the recording; a replay types into the session and takes the
 * keyboard while it runs. Without either option, everything here is a pass-through.
 */
function recordedSession(options: ShellOptions, session: () => TerminalSession) {
  const plain = { write, prepare: (): string[] => [], start: () => {}, key: (_chunk: Buffer) => false, resized: () => {} };
  if (!options.record && !options.replay) return plain;
  const recording = require(distFile('recording.js')) as typeof import('./recording');
  if (options.record) {
    const cwd = process.cwd();
    const recorder = recording.startRecording(options.record, {
      width: columns(),
      height: out.rows || 24,
      cwd,
      watchDirs: [cwd, path.join(cwd, 'modules'), ...options.pathDirs],
    });
    process.on('exit', () => recorder.close());
    return {
      ...plain,
      write: (text: string) => {
        write(text);
        recorder.output(text);
      },
      key: (chunk: Buffer) => {
        recorder.input(chunk);
        return false;
      },
      resized: () => recorder.resized(columns(), out.rows || 24),
    };
  }
  let replay: import('./recording').Replay;
  try {
    replay = recording.startReplay(options.replay!, { speed: options.speed, step: options.step, cwd: process.cwd() }, {
      type: (text) => session().input(text),
      note: (text) => session().strayOutput(text),
    });
  } catch (e) {
    process.stderr.write(`eshell-ts: cannot replay: ${(e as Error).message}\n`);
    process.exit(2);
  }
  // After restoreTerminal (registered first): the notes print on a cooked terminal.
  process.on('exit', () => {
    for (const note of replay.restoreFiles()) out.write(note);
  });
  return { ...plain, prepare: () => replay.prepareFiles(), start: () => replay.start(), key: (chunk: Buffer) => replay.key(chunk) };
}

function runBatch(options: ShellOptions): void {
  const evalExpr = options.evalExpr;
  let connection: EvaluatorConnection | undefined;
  const session = new BatchSession({
    write,
    writeError: (text) => process.stderr.write(text),
    send: (msg) => connection!.send(msg),
    nextId: () => connection!.nextId(),
    exit: (code) => exitAfter(connection!, code),
  }, { showPrompts: evalExpr === undefined, exitStatusFromResult: evalExpr !== undefined, node: options.remsh ?? options.node });
  connection = connect(options, false, session);
  connection.start();
  process.on('SIGTERM', () => exitAfter(connection!, 143));
  // Without a terminal there is no prompt to come back to: Ctrl-C ends the run, as for erl.
  process.on('SIGINT', () => exitAfter(connection!, 130));

  if (evalExpr !== undefined) {
    // Erlang's -eval takes an expression without the full stop; accept both.
    const source = !isComplete(evalExpr) && isComplete(evalExpr + '.') ? evalExpr + '.' : evalExpr;
    session.evaluate(source);
    session.endOfInput();
    return;
  }
  write(banner());
  const forms = new FormSplitter(isComplete, (source) => session.evaluate(source));
  stdin.setEncoding('utf8');
  stdin.on('data', (text: string) => forms.push(text));
  stdin.on('end', () => {
    forms.end();
    session.endOfInput();
  });
}

/** `--init`: its code is a bundle of its own, loaded only here. */
function initEditorSetup(): void {
  const setup = require(distFile('editor-setup.js')) as typeof import('./editorSetup');
  try {
    for (const line of setup.initEditorSetup(process.cwd())) write(`${line}\n`);
  } catch (e) {
    process.stderr.write(`eshell-ts --init: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

function main(): void {
  const parsed = parseArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`eshell-ts: ${parsed.error}\nTry 'eshell-ts --help' for the options.\n`);
    process.exit(2);
  }
  const options = parsed.options;
  if (options.help) return void write(USAGE);
  if (options.version) return void write(`eshell-ts ${packageVersion(__dirname)}\n`);
  if (options.init) return initEditorSetup();

  process.on('exit', restoreTerminal);
  process.on('uncaughtException', (err) => {
    restoreTerminal();
    process.stderr.write(`\n*** eshell-ts internal error: ${err?.stack ?? err}\n`);
    process.exit(70);
  });
  out.on('error', () => {}); // a closed terminal or pipe: nothing left to tell anyone

  if ((options.record || options.replay) && !(stdin.isTTY && options.evalExpr === undefined)) {
    process.stderr.write(`eshell-ts: ${options.record ? '--record' : '--replay'} needs an interactive terminal\n`);
    process.exit(2);
  }
  if (stdin.isTTY && options.evalExpr === undefined) runInteractive(options);
  else runBatch(options);
}

main();
