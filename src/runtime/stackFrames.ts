// The stack of an exception as Erlang shows it in an exit reason:
//   [['kitchen', 'take', 2, [['file', 'kitchen.ts'], ['line', 48]]], ...]
// (Erlang's [{kitchen,take,2,[{file,"kitchen.erl"},{line,48}]}]), built from the user's frames
// of the JavaScript stack: Node's own frames and eshell-ts's are left out.
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';

/**
 * Where the code layer leaves the frames of an error it formatted, with what only the
 * structured call sites know (the function's arity), mapped to the .ts source.
 */
export const CALL_SITES = Symbol.for('eshell-ts.callSites');

export interface CallSiteSummary {
  fn: string | undefined;
  file: string | undefined;
  line: number | undefined;
  arity: number | undefined;
  /** Node's text for the frame, as in error.stack: `kitchen.take (/dir/kitchen.ts:48:3)`. */
  text: string;
}

/** An Erlang stack frame in TypeScript notation: [module, function, arity, location]. */
export type ErlangFrame = [string, string, number, [['file', string], ['line', number]]];

/** Erlang keeps the last eight calls (the default `backtrace_depth`). */
const MAX_FRAMES = 8;

/** The user's frames of `thrown`'s stack as Erlang frames; [] for a value with no stack. */
export function erlangStack(thrown: unknown): ErlangFrame[] {
  if (!(thrown instanceof Error)) return [];
  let stack: unknown;
  try {
    stack = thrown.stack; // formats the stack, which leaves CALL_SITES on the error
  } catch {
    return [];
  }
  const sites = (thrown as { [CALL_SITES]?: CallSiteSummary[] })[CALL_SITES] ?? (typeof stack === 'string' ? parseStack(stack) : []);
  const frames: ErlangFrame[] = [];
  for (const site of sites) {
    if (site.file === undefined || site.line === undefined || isInternalFrame(`at ${site.text}`)) continue;
    frames.push(erlangFrame(site.fn, site.file, site.line, site.arity));
    if (frames.length === MAX_FRAMES) break;
  }
  return frames;
}

/** Whether `value` has the shape of a stack erlangStack builds (so `[reason, stack]` is an error's exit reason). */
export function isErlangStack(value: unknown): value is ErlangFrame[] {
  return Array.isArray(value) && value.every((frame) =>
    Array.isArray(frame) && frame.length === 4 && typeof frame[0] === 'string' && typeof frame[1] === 'string' &&
    typeof frame[2] === 'number' && Array.isArray(frame[3]));
}

function erlangFrame(fn: string | undefined, file: string, line: number, arity: number | undefined): ErlangFrame {
  const base = path.basename(file);
  // Shell input is compiled as `shell:12`: Erlang's frames of evaluated input say `shell`.
  const module = /^shell:\d+$/.test(file) ? 'shell' : base.replace(/\.[cm]?[jt]sx?$/, '');
  const last = fn === undefined ? '' : fn.slice(fn.lastIndexOf('.') + 1);
  const name = last === '' || last === '<anonymous>' ? '-fun-' : last;
  return [module, name, arity ?? 0, [['file', base], ['line', line]]];
}

const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+)(?::\d+)?\)?$/;

function parseStack(stack: string): CallSiteSummary[] {
  const sites: CallSiteSummary[] = [];
  for (const line of stack.split('\n')) {
    const match = FRAME.exec(line);
    if (!match) continue;
    sites.push({ fn: match[1], file: match[2], line: Number(match[3]), arity: undefined, text: line.trim().slice(3) });
  }
  return sites;
}

/** A frame inside Node itself or inside eshell-ts's runtime (this bundle, or its dist/). */
export function isInternalFrame(frame: string): boolean {
  if (/\(node:|^at node:|\(internal\/|^at internal\/|\(<anonymous>\)/.test(frame)) return true;
  // Scripts the runtime compiles for itself are named `eshell-ts:…` (the interrupt guard).
  if (/\(eshell-ts:|^at eshell-ts:/.test(frame)) return true;
  const file = frameFile(frame);
  if (!file) return false;
  return file === thisBundle() || isPackageDist(path.dirname(file));
}

function frameFile(frame: string): string | undefined {
  const located = /\(([^()]+?):\d+:\d+\)$/.exec(frame) ?? /^at ([^()]+?):\d+:\d+$/.exec(frame);
  if (!located) return undefined;
  const file = located[1];
  return file.startsWith('file://') ? decodeURIComponent(file.slice('file://'.length)) : file;
}

function thisBundle(): string | undefined {
  return typeof __filename === 'string' ? __filename : undefined;
}

const distVerdicts = new Map<string, boolean>();

/** The dist/ directory of the eshell-ts package: all the runtime, scheduler and shell bundles. */
function isPackageDist(dir: string): boolean {
  let verdict = distVerdicts.get(dir);
  if (verdict === undefined) {
    verdict = false;
    if (path.basename(dir) === 'dist') {
      try {
        const manifest = path.join(dir, '..', 'package.json');
        verdict = existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'eshell-ts';
      } catch {
        verdict = false;
      }
    }
    distVerdicts.set(dir, verdict);
  }
  return verdict;
}
