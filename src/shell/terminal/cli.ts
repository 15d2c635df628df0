// Command-line arguments and environment of `eshell-ts`.

import path from 'node:path';

export interface ShellOptions {
  /** -pa DIR (repeatable), then the directories of $ESHELL_TS_PATH. */
  pathDirs: string[];
  /** -e 'expr': evaluate, print, exit. */
  evalExpr?: string;
  noColor: boolean;
  help: boolean;
  version: boolean;
}

export type ParsedArgs = { ok: true; options: ShellOptions } | { ok: false; error: string };

export const USAGE = `Usage: eshell-ts [options]

Erlang's interactive shell (Eshell) for TypeScript.

Options:
  -pa DIR       add DIR to the front of the code path (repeatable)
  -e 'EXPR'     evaluate EXPR, print the result and exit (status 1 if it raised)
  --no-color    print results without colours (also: NO_COLOR=1)
  --help        show this help
  --version     print the version

Environment:
  ESHELL_TS_PATH     extra code path directories, separated by '${path.delimiter}'
  ESHELL_TS_HISTORY  history file (default ~/.eshell_ts_history)
  NO_COLOR           disable colours
`;

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedArgs {
  const options: ShellOptions = { pathDirs: [], noColor: false, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string | undefined => {
      const v = argv[i + 1];
      if (v === undefined) return undefined;
      i++;
      return v;
    };
    switch (arg) {
      case '-pa': {
        const dir = value();
        if (dir === undefined) return { ok: false, error: '-pa needs a directory' };
        options.pathDirs.push(path.resolve(dir));
        break;
      }
      case '-e':
      case '-eval': {
        const expr = value();
        if (expr === undefined) return { ok: false, error: `${arg} needs an expression` };
        // `-e --help` would run `--help` (decrementing the help built-in: NaN); erl's parser
        // refuses `--help` too. An option where the expression belongs is a mistake.
        if (/^--?[A-Za-z][\w-]*$/.test(expr)) {
          return { ok: false, error: `${arg} needs an expression, and '${expr}' is an option (write -e '(${expr})' to evaluate it)` };
        }
        options.evalExpr = expr;
        break;
      }
      case '--no-color':
      case '--no-colour':
        options.noColor = true;
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      case '-v':
      case '--version':
        options.version = true;
        break;
      default:
        return { ok: false, error: `unknown option '${arg}'` };
    }
  }
  for (const dir of (env.ESHELL_TS_PATH ?? '').split(path.delimiter)) {
    if (dir) options.pathDirs.push(path.resolve(dir));
  }
  return { ok: true, options };
}

/** Colours are used when stdout is a terminal and neither NO_COLOR nor --no-color says no. */
export function useColor(options: ShellOptions, stdoutIsTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  return stdoutIsTTY && !options.noColor && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && !isDumbTerminal(env);
}

/** `TERM=dumb` (Emacs shell buffers, some CI consoles): no escape sequences at all. */
export function isDumbTerminal(env: NodeJS.ProcessEnv): boolean {
  return env.TERM === 'dumb';
}
