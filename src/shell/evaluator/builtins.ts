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
import { MODULE_NAME_KEY } from '../../code/moduleHandle';
import { shellDirectory } from './directory';
import { awaitedByShell } from './evaluatorProcess';
import { formatColumns } from '../columns';
import type { ShellJob } from './job';
import type { ShellHost } from './shell';
import { processTable, processDetails, registeredTable, loadedModulesTable, moduleDetails, memorySummary } from './reports';

export interface BuiltinHost extends ShellHost {
  /** The job whose variables and history the built-in acts on. */
  job(): ShellJob;
}

const HELP_TEXT = `Eshell-TS built-in commands:
  c(mod)        compile and load mod.ts (hot: running processes keep going)
  c(mod, opts)  same, with options: ['strict'] refuses to load on a type error
  l(mod)        load mod again, without compiling if its source is unchanged
  lm()          load all modules whose source changed
  mm()          list modules whose source changed since they were loaded
  m()           list loaded modules;   m(mod)  information about mod
  h(mod)        documentation of mod;  h(mod, fun)  of one function
  cd(dir)       change directory;  pwd()  print it;  ls()  ls(dir)  list files
  i()           information about processes;  i(pid)  about one
  regs()        registered processes
  flush()       print and drop the messages in the shell's mailbox
  f()  f(X)     forget all variables, or X
  b()           show all variable bindings
  v(N)          the value of query N (negative N counts back)
  h()           history of commands and results;  e(N)  evaluate command N again
  history(N)    keep N previous commands;  results(N)  keep N previous results
  pid(0, N, 0)  the pid <0.N.0>;  self()  the shell's pid
  memory()      memory use in bytes
  q()  halt()   quit the shell
  help()        this text
Forms: X = expr (single assignment), [A, B] = expr (pattern match),
  Pid ! Msg (send), mod:fun(args) (remote call to the newest version),
  a trailing '.' ends an expression.
`;

export function builtins(host: BuiltinHost): Record<string, unknown> {
  const print = (text: string): 'ok' => {
    writeOutput(text.endsWith('\n') ? text : `${text}\n`);
    return 'ok';
  };
  const show = (value: unknown): string => formatValue(value, { color: host.color(), width: host.columns() });

  return {
    c: (module: unknown, options: unknown = []) => {
      const strict = Array.isArray(options) && options.includes('strict');
      return awaitedByShell(codeServer.c(moduleSpec(module, 'c'), { strict }));
    },
    l: (module: unknown) => codeServer.l(moduleSpec(module, 'l')),
    lm: () => codeServer.loadModified(),
    mm: () => codeServer.modifiedModules(),
    m: (module?: unknown) => print(module === undefined ? loadedModulesTable() : moduleDetails(moduleSpec(module, 'm'))),
    cd: (dir: unknown) => {
      if (typeof dir !== 'string') throw badarg('cd(dir): dir must be a string');
      return print(host.changeDirectory(dir));
    },
    pwd: () => print(shellDirectory()),
    ls: (dir: unknown = '.') => {
      const names = listDirectory(String(dir));
      return names.length > 0 ? print(formatColumns(names, host.columns())) : 'ok';
    },
    i: (...args: unknown[]) => {
      if (args.length === 0) return print(processTable());
      // As Erlang's i/1: a process that is gone is `undefined`, nothing printed.
      const details = processDetails(pidArgument(args, 'i'));
      return details === undefined ? 'undefined' : print(details);
    },
    ni: () => print(processTable()),
    regs: () => print(registeredTable()),
    flush: () => {
      const proc = currentProcess();
      if (!proc) return 'ok';
      for (const message of takeAllMessages(proc)) print(`Shell got ${show(message)}`);
      return 'ok';
    },
    f: (name?: unknown) => {
      if (name !== undefined && typeof name !== 'string') {
        throw badarg('f(X): name the variable to forget, as in f(X)');
      }
      host.job().bindings.forget(name);
      return 'ok';
    },
    b: () => {
      const lines = host.job().bindings.entries().map(([name, value]) => `${name} = ${show(value)}`);
      return print(lines.length > 0 ? lines.join('\n') : '(no bindings)');
    },
    v: (n: unknown) => host.job().inputs.value(Number(n), host.job().promptNumber),
    e: (n: unknown) => {
      const job = host.job();
      return job.rerun(job.inputs.command(Number(n), job.promptNumber));
    },
    h: (module?: unknown, fn?: unknown) => {
      if (module === undefined) return print(historyText(host.job(), show));
      const spec = moduleSpec(module, 'h');
      return awaitedByShell(host.docs(spec, fn === undefined ? undefined : String(fn)).then(print));
    },
    history: (n: unknown) => host.job().inputs.setCommandLimit(Number(n)),
    results: (n: unknown) => host.job().inputs.setResultLimit(Number(n)),
    pid: (node: unknown, id: unknown, serial: unknown) => {
      if (![node, id, serial].every((x) => Number.isInteger(x))) {
        throw badarg('pid(0, N, 0): three integers');
      }
      return makePid(node as number, id as number, serial as number);
    },
    memory: () => memorySummary(),
    q: () => {
      host.halt(0);
      return 'ok';
    },
    halt: (code: unknown = 0) => {
      host.halt(typeof code === 'number' ? code : 0);
      return 'ok';
    },
    help: () => print(HELP_TEXT),
  };
}

function moduleSpec(module: unknown, fn: string): string {
  if (typeof module === 'string') return module;
  if (typeof module === 'object' && module !== null) {
    const name = (module as Record<symbol, unknown>)[MODULE_NAME_KEY];
    if (typeof name === 'string') return name;
  }
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
