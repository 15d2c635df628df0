// Command-line arguments and environment of `eshell-ts`.

import path from 'node:path';
import { fullNodeName } from '../../dist/nodeName';

export interface ShellOptions {
  /** -pa DIR (repeatable), then the directories of $ESHELL_TS_PATH. */
  pathDirs: string[];
  /** -e 'expr': evaluate, print, exit. */
  evalExpr?: string;
  noColor: boolean;
  /** --watch: every loaded module is loaded again when its file is saved. */
  watch: boolean;
  /** --no-rc: skip the startup file (.eshell-ts.ts). */
  noRc: boolean;
  /** --init: write a tsconfig.json and modules/ for editors, then exit. */
  init: boolean;
  /** --record FILE: write the session as an asciinema v2 recording. */
  record?: string;
  /** --replay FILE: type a recording's input into a fresh shell. */
  replay?: string;
  /** --speed N: replay N times faster. */
  speed: number;
  /** --step: replay one input line per key press. */
  step: boolean;
  /** --observer: start the web observer with the shell. */
  observer: boolean;
  help: boolean;
  version: boolean;
  /** -sname/-name: this node's full name; distribution starts before the first prompt. */
  node?: string;
  /** -setcookie; without it the node reads (or creates) ~/.erlang.cookie, as erl does. */
  cookie?: string;
  /** -kernel net_ticktime N (seconds). */
  netTickTime?: number;
  /** -remsh NODE: input is evaluated on that eshell-ts node (its full name). */
  remsh?: string;
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
  -remsh NODE   a shell evaluated on the eshell-ts node NODE (name@host, or name: this host)
  -kernel net_ticktime N   seconds after which a silent peer is taken for dead (60)
  --no-color    print results without colours (also: NO_COLOR=1)
  --watch       load a module again whenever its source file is saved
  --no-rc       do not evaluate the startup file (./.eshell-ts.ts, else ~/.eshell-ts.ts)
  --init        write what an editor needs (tsconfig.json, modules/), keep what exists
  --record FILE record the session as an asciinema v2 file (with file edits)
  --replay FILE type a recorded session's input into a fresh shell
  --speed N     replay N times as fast (default 1)
  --step        replay one input line (or file edit) per key press
  --observer    start the observer (a live web view) and print its URL
  --help        show this help
  --version     print the version

Environment:
  ESHELL_TS_PATH     extra code path directories, separated by '${path.delimiter}'
  ESHELL_TS_HISTORY  history file (default ~/.eshell_ts_history)
  NO_COLOR           disable colours
  ERL_EPMD_PORT      port of epmd (default 4369), as for erl
`;

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedArgs {
  const options: ShellOptions = {
    pathDirs: [], noColor: false, observer: false, watch: false, noRc: false, init: false, speed: 1, step: false, help: false, version: false,
  };
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
      case '--watch':
        options.watch = true;
        break;
      case '--no-rc':
        options.noRc = true;
        break;
      case '--init':
        options.init = true;
        break;
      case '--record':
      case '--replay': {
        const file = value();
        if (file === undefined) return { ok: false, error: `${arg} needs a file` };
        options[arg === '--record' ? 'record' : 'replay'] = path.resolve(file);
        break;
      }
      case '--speed': {
        const speed = Number(value());
        if (!(speed > 0)) return { ok: false, error: '--speed needs a positive number' };
        options.speed = speed;
        break;
      }
      case '--step':
        options.step = true;
        break;
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
      case '-remsh': {
        const target = value();
        if (target === undefined) return { ok: false, error: '-remsh needs a node name' };
        try {
          options.remsh = target.includes('@') ? fullNodeName(target, true) : fullNodeName(target, false);
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
      case '--observer':
        options.observer = true;
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
  if (options.record && options.replay) return { ok: false, error: '--record and --replay cannot be used together' };
  // -remsh without a name of its own: one made up from the remote node's, as erl does.
  if (options.remsh !== undefined && options.node === undefined) options.node = remshNodeName(options.remsh);
  for (const dir of (env.ESHELL_TS_PATH ?? '').split(path.delimiter)) {
    if (dir) options.pathDirs.push(path.resolve(dir));
  }
  return { ok: true, options };
}

/** `remsh1234-ts2@host`: this terminal's node, on the host (and naming style) of the remote one. */
function remshNodeName(remote: string): string {
  const [alive, host] = remote.split('@') as [string, string];
  const name = `remsh${process.pid}-${alive}`;
  try {
    return fullNodeName(name, host.includes('.'));
  } catch {
    return `${name}@${host}`;
  }
}

/** Colours are used when stdout is a terminal and neither NO_COLOR nor --no-color says no. */
export function useColor(options: ShellOptions, stdoutIsTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  return stdoutIsTTY && !options.noColor && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && !isDumbTerminal(env);
}

/** `TERM=dumb` (Emacs shell buffers, some CI consoles): no escape sequences at all. */
export function isDumbTerminal(env: NodeJS.ProcessEnv): boolean {
  return env.TERM === 'dumb';
}
