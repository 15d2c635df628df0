// Command-line arguments and environment of `eshell-ts`.

import path from 'node:path';
import { fullNodeName } from '../../dist/nodeName';

export interface ShellOptions {
  /** -pa DIR (repeatable), then the directories of $ESHELL_TS_PATH. */
  pathDirs: string[];
  /** -e 'expr': evaluate, print, exit. */
  evalExpr?: string;
  noColor: boolean;
  help: boolean;
  version: boolean;
  /** -sname/-name: this node's full name; distribution starts before the first prompt. */
  node?: string;
  /** -setcookie; without it the node reads (or creates) ~/.erlang.cookie, as erl does. */
  cookie?: string;
  /** -kernel net_ticktime N (seconds). */
  netTickTime?: number;
}

export type ParsedArgs = { ok: true; options: ShellOptions } | { ok: false; error: string };

export const USAGE = `Usage: eshell-ts [options]

Erlang's interactive shell (Eshell) for TypeScript.

Options:
  -pa DIR       add DIR to the front of the code path (repeatable)
  -e 'EXPR'     evaluate EXPR, print the result and exit (status 1 if it raised)
  -sname NAME   start distribution as NAME@host (short host name), as erl does
  -name NAME    start distribution as NAME@host.domain (or the NAME@HOST given)
  -setcookie C  the cookie for connections (default: ~/.erlang.cookie)
  -kernel net_ticktime N   seconds after which a silent peer is taken for dead (60)
  --no-color    print results without colours (also: NO_COLOR=1)
  --help        show this help
  --version     print the version

Environment:
  ESHELL_TS_PATH     extra code path directories, separated by '${path.delimiter}'
  ESHELL_TS_HISTORY  history file (default ~/.eshell_ts_history)
  NO_COLOR           disable colours
  ERL_EPMD_PORT      port of epmd (default 4369), as for erl
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
        options.evalExpr = expr;
        break;
      }
      case '-sname':
      case '-name': {
        const name = value();
        if (name === undefined) return { ok: false, error: `${arg} needs a node name` };
        try {
          options.node = fullNodeName(name, arg === '-name');
        } catch (err) {
          return { ok: false, error: (err as Error).message };
        }
        break;
      }
      case '-setcookie': {
        const cookie = value();
        if (cookie === undefined) return { ok: false, error: '-setcookie needs a cookie' };
        options.cookie = cookie;
        break;
      }
      case '-kernel': {
        const key = value();
        const setting = value();
        if (key !== 'net_ticktime' || setting === undefined) {
          return { ok: false, error: '-kernel takes net_ticktime N (the only kernel parameter eshell-ts has)' };
        }
        const seconds = Number(setting);
        if (!Number.isInteger(seconds) || seconds <= 0) return { ok: false, error: `net_ticktime must be a positive integer, got '${setting}'` };
        options.netTickTime = seconds;
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
  return stdoutIsTTY && !options.noColor && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}
