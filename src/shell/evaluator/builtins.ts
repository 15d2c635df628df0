// Eshell's built-in commands (Erlang's c.erl and shell.erl), as global functions of the
// evaluator thread. Commands that print go through the shared output and return 'ok', as in
// Eshell. Bare module names (`c(code_reload)`) are quoted by the forms layer.

import fs from 'node:fs';
import path from 'node:path';
import { formatValue } from '../../io/print';
import { writeOutput } from '../../runtime/output';
import { badarg, ErlangException } from '../../runtime/errors';
import { pid as makePid, isPid, type Pid } from '../../runtime/pid';
import { currentProcess, takeAllMessages } from '../../runtime/scheduler';
import { codeServer } from '../../code/codeServer';
import * as shellCommands from './shellCommands';
import { moduleWatcher } from '../../code/moduleWatcher';
import { upgradeModule } from '../../otp/upgrade';
import { shellDirectory } from './directory';
import { awaitedByShell } from './evalLoop';
import { formatColumns } from '../columns';
import type { ShellJob } from './job';
import type * as ObserverLayer from '../../observer/observer';
import { observerRuntime } from '../../observer/runtimeHost';
import type { ShellHost } from './shell';
import type { BareArgument } from '../forms';
import { code, handleModuleName } from '../../code/moduleHandle';
import { rpcThen } from '../../dist/api';
import { processTable, processDetails, remoteProcessDetails, registeredTable, loadedModulesTable, moduleDetails, memorySummary } from './reports';

export interface BuiltinHost extends ShellHost {
  /** The job whose variables and history the built-in acts on. */
  job(): ShellJob;
}

/**
 * One built-in: its help lines (`usage` → what it does, one per form, in help() order), how
 * the forms read bare names among its arguments, and the function, given the host.
 */
export interface Builtin {
  readonly help: Readonly<Record<string, string>>;
  readonly bare?: readonly (BareArgument | undefined)[];
  readonly make: (host: BuiltinHost) => (...args: never[]) => unknown;
}

/**
 * Every built-in, declared once: help() prints the `help` lines, the shell installs `make`'s
 * function as a global and offers the name to Tab completion, and the forms quote the
 * arguments `bare` names (`c(code_reload)` is `c('code_reload')`). A dotted name is a
 * function of a runtime module (`code.which`, reached as `code:which` or `code.which`): it is
 * not installed (the module is) and help() leaves it out, but its arguments are read the same.
 */
export const BUILTINS: Readonly<Record<string, Builtin>> = {
  c: {
    help: {
      'c(mod)': 'compile and load mod.ts (hot: running processes keep going)',
      'c(mod, opts)': "same, with options: ['strict'] refuses to load on a type error",
    },
    bare: ['atom'],
    make: () => (module: unknown, options: unknown = []) => {
      const strict = Array.isArray(options) && options.includes('strict');
      return awaitedByShell(shellCommands.c(moduleSpec(module, 'c'), { strict }));
    },
  },
  l: {
    help: { 'l(mod)': 'load mod again, without compiling if its source is unchanged' },
    bare: ['atom'],
    make: () => (module: unknown) => shellCommands.l(moduleSpec(module, 'l')),
  },
  lm: {
    help: { 'lm()': 'load all modules whose source changed' },
    make: () => () => shellCommands.lm(),
  },
  upgrade: {
    help: { 'upgrade(mod)': "suspend mod's gen_servers, load mod, code_change them, resume" },
    bare: ['atom'],
    make: () => (module: unknown, extra: unknown = []) => awaitedByShell(upgradeModule(moduleSpec(module, 'upgrade'), extra)),
  },
  mm: {
    help: { 'mm()': 'list modules whose source changed since they were loaded' },
    make: () => () => codeServer.modifiedModules(),
  },
  watch: {
    help: {
      'watch(mod)': 'load mod again whenever its file is saved',
      'watch()': 'watch every module loaded, now and later',
    },
    bare: ['atom'],
    make: () => (module?: unknown) =>
      module === undefined ? moduleWatcher().watchAll() : moduleWatcher().watch(moduleSpec(module, 'watch')),
  },
  unwatch: {
    help: { 'unwatch(mod)': 'stop watching mod', 'unwatch()': 'stop watching every module' },
    bare: ['atom'],
    make: () => (module?: unknown) =>
      moduleWatcher().unwatch(module === undefined ? undefined : moduleSpec(module, 'unwatch')),
  },
  m: {
    help: { 'm()': 'list loaded modules', 'm(mod)': 'information about mod' },
    bare: ['atom'],
    make: () => (module?: unknown) =>
      print(module === undefined ? loadedModulesTable() : moduleDetails(moduleSpec(module, 'm'))),
  },
  h: {
    help: {
      'h()': 'history of commands and results',
      'h(mod)': 'documentation of mod',
      'h(mod, fun)': 'documentation of one function',
    },
    bare: ['atom', 'atom'],
    make: (host) => (module?: unknown, fn?: unknown) => {
      if (module === undefined) return print(historyText(host.job(), show(host)));
      const spec = moduleSpec(module, 'h');
      return awaitedByShell(host.docs(spec, fn === undefined ? undefined : String(fn)).then(print));
    },
  },
  cd: {
    help: { 'cd(dir)': 'change directory' },
    make: (host) => (dir: unknown) => {
      if (typeof dir !== 'string') throw badarg('cd(dir): dir must be a string');
      return print(host.changeDirectory(dir));
    },
  },
  pwd: {
    help: { 'pwd()': 'print the current directory' },
    make: () => () => print(shellDirectory()),
  },
  ls: {
    help: { 'ls()': 'list files in the current directory', 'ls(dir)': 'list files in dir' },
    make: (host) => (dir: unknown = '.') => {
      const names = listDirectory(String(dir));
      return names.length > 0 ? print(formatColumns(names, host.columns())) : 'ok';
    },
  },
  i: {
    help: { 'i()': 'information about processes', 'i(pid)': 'information about one process' },
    make: () => (...args: unknown[]) => {
      if (args.length === 0) return print(processTable());
      // As Erlang's i/1: a process that is gone is `undefined`, nothing printed.
      const pid = pidArgument(args, 'i');
      if (pid.remote) {
        // A process of another node: its node is asked (erlang:process_info through rpc).
        return rpcThen(pid.node, 'erlang', 'process_info', [pid], (info) => {
          const remote = remoteProcessDetails(info);
          return remote === undefined ? 'undefined' : print(remote);
        });
      }
      const details = processDetails(pid);
      return details === undefined ? 'undefined' : print(details);
    },
  },
  ni: {
    help: { 'ni()': 'processes on all nodes (one node here: as i())' },
    make: () => () => print(processTable()),
  },
  regs: {
    help: { 'regs()': 'registered processes' },
    make: () => () => print(registeredTable()),
  },
  nregs: {
    help: { 'nregs()': 'registered processes on all nodes (here: as regs())' },
    make: () => () => print(registeredTable()),
  },
  flush: {
    help: { 'flush()': "print and drop the messages in the shell's mailbox" },
    make: (host) => () => {
      const proc = currentProcess();
      if (!proc) return 'ok';
      for (const message of takeAllMessages(proc)) print(`Shell got ${show(host)(message)}`);
      return 'ok';
    },
  },
  f: {
    help: { 'f()': 'forget all variables', 'f(X)': 'forget the variable X' },
    bare: ['variable'],
    make: (host) => (name?: unknown) => {
      if (name !== undefined && typeof name !== 'string') {
        throw badarg('f(X): name the variable to forget, as in f(X)');
      }
      host.job().bindings.forget(name);
      return 'ok';
    },
  },
  b: {
    help: { 'b()': 'show all variable bindings' },
    make: (host) => () => {
      const lines = host.job().bindings.entries().map(([name, value]) => `${name} = ${show(host)(value)}`);
      return print(lines.length > 0 ? lines.join('\n') : '(no bindings)');
    },
  },
  v: {
    help: { 'v(N)': 'the value of query N (negative N counts back)' },
    make: (host) => (n: unknown) => host.job().inputs.value(Number(n), host.job().promptNumber),
  },
  e: {
    help: { 'e(N)': 'evaluate command N again' },
    make: (host) => (n: unknown) => {
      const job = host.job();
      return job.rerun(job.inputs.command(Number(n), job.promptNumber));
    },
  },
  history: {
    help: { 'history(N)': 'keep N previous commands' },
    make: (host) => (n: unknown) => host.job().inputs.setCommandLimit(Number(n)),
  },
  results: {
    help: { 'results(N)': 'keep N previous results' },
    make: (host) => (n: unknown) => host.job().inputs.setResultLimit(Number(n)),
  },
  pid: {
    help: { 'pid(0, N, 0)': 'the pid <0.N.0>' },
    make: () => (node: unknown, id: unknown, serial: unknown) => {
      if (![node, id, serial].every((x) => Number.isInteger(x))) {
        throw badarg('pid(0, N, 0): three integers');
      }
      return makePid(node as number, id as number, serial as number);
    },
  },
  memory: {
    help: { 'memory()': 'memory use in bytes' },
    make: () => () => memorySummary(),
  },
  observer: {
    help: { 'observer()': 'live web view of processes and code; observer.stop() ends it' },
    make: () =>
      Object.assign(() => awaitedByShell(startObserverAndPrint()), {
        stop: () => awaitedByShell(observerLayer().stopObserver().then(() => 'ok' as const)),
      }),
  },
  q: {
    help: { 'q()': 'quit the shell' },
    make: (host) => () => {
      host.halt(0);
      return 'ok';
    },
  },
  halt: {
    help: { 'halt()': 'quit the shell', 'halt(N)': 'quit with exit code N' },
    make: (host) => (code: unknown = 0) => {
      host.halt(typeof code === 'number' ? code : 0);
      return 'ok';
    },
  },
  help: {
    help: { 'help()': 'this text' },
    make: () => () => print(helpText()),
  },
  'code.which': { help: {}, bare: ['atom'], make: () => code.which },
  'code.load_file': { help: {}, bare: ['atom'], make: () => code.load_file },
  'code.is_loaded': { help: {}, bare: ['atom'], make: () => code.is_loaded },
  'code.purge': { help: {}, bare: ['atom'], make: () => code.purge },
  'code.soft_purge': { help: {}, bare: ['atom'], make: () => code.soft_purge },
  'code.delete': { help: {}, bare: ['atom'], make: () => code.delete },
};

/** help(): every form of every built-in (the table above), then the forms of the shell. */
export function helpText(): string {
  const lines = ['Eshell-TS built-in commands:'];
  for (const builtin of Object.values(BUILTINS)) {
    for (const [usage, text] of Object.entries(builtin.help)) lines.push(`  ${usage.padEnd(13)} ${text}`);
  }
  lines.push(
    'Also the API of eshell-ts: self(), spawn(...), receive(...), ... and the',
    'modules io, erlang, timer and code (io:format(...) or io.format(...)).',
    'Forms: X = expr (single assignment), [A, B] = expr (pattern match),',
    '  Pid ! Msg (send), mod:fun(args) (remote call to the newest version),',
    '  catch Expr (the value, or the exception as a value),',
    "  a trailing '.' ends an expression.",
  );
  return `${lines.join('\n')}\n`;
}

/** How the forms read bare names in a call of `callee` (see FormContext.bareArguments). */
export function bareArguments(callee: string): readonly (BareArgument | undefined)[] | undefined {
  return Object.hasOwn(BUILTINS, callee) ? BUILTINS[callee].bare : undefined;
}

/** The built-ins as the globals the shell installs: name → function. */
export function builtins(host: BuiltinHost): Record<string, unknown> {
  const globals: Record<string, unknown> = {};
  for (const [name, builtin] of Object.entries(BUILTINS)) {
    if (!name.includes('.')) globals[name] = builtin.make(host);
  }
  return globals;
}

function print(text: string): 'ok' {
  writeOutput(text.endsWith('\n') ? text : `${text}\n`);
  return 'ok';
}

function show(host: BuiltinHost): (value: unknown) => string {
  return (value) => formatValue(value, { color: host.color(), width: host.columns() });
}

/**
 * The observer layer, a bundle of its own (dist/observer.js) required on first use: none of it
 * is on the path to the first prompt.
 */
function observerLayer(): typeof ObserverLayer {
  return require(path.join(__dirname, 'observer.js')) as typeof ObserverLayer;
}

/** `observer()` and `eshell-ts --observer`: starts the web view and prints where it is. */
export async function startObserverAndPrint(): Promise<'ok'> {
  const url = await observerLayer().startObserver(observerRuntime());
  writeOutput(`Observer running at ${url}\n  (open it in a browser on this machine; observer.stop() ends it)\n`);
  return 'ok';
}

function moduleSpec(module: unknown, fn: string): string {
  if (typeof module === 'string') return module;
  const name = handleModuleName(module);
  if (name !== undefined) return name;
  throw badarg(`${fn}(Module): name a module, as in ${fn}(code_reload)`);
}

function pidArgument(args: unknown[], fn: string): Pid {
  if (args.length === 1 && isPid(args[0])) return args[0];
  if (args.length === 3 && args.every((x) => Number.isInteger(x))) return makePid(args[0] as number, args[1] as number, args[2] as number);
  throw badarg(`${fn}(Pid) or ${fn}(0, N, 0)`);
}

/** The names in `dir`, sorted; a plain file lists as itself, as Erlang's ls/1 does. */
function listDirectory(dir: string): string[] {
  const full = path.resolve(shellDirectory(), dir);
  try {
    if (!fs.statSync(full).isDirectory()) return [dir];
    return fs.readdirSync(full).sort();
  } catch (e) {
    throw new ErlangException('error', ['enoent', dir], `ls: cannot read ${dir}: ${(e as Error).message}`);
  }
}

function historyText(job: ShellJob, show: (v: unknown) => string): string {
  return job.inputs
    .list()
    .map((e) => `${e.number}: ${e.source}${e.hasResult ? `\n-> ${show(e.result)}` : ''}`)
    .join('\n');
}
