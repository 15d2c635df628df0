// h(mod) and h(mod, fun) in the real shell (bin/eshell-ts, piped stdin): exported functions
// with their signatures and TSDoc, for the modules that ship and for a module of one's own.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { shellEnv } from './helpers/env.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'eshell-ts');
const dirs = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

/** Runs the shell on `lines` in `cwd` and returns what it printed, prompts included. */
function shell(cwd, lines) {
  const run = spawnSync(process.execPath, [BIN], {
    cwd, input: lines.map((l) => `${l}\n`).join(''), encoding: 'utf8', timeout: 30000, env: shellEnv({ NO_COLOR: '1' }, { home: cwd }),
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

/** The text a command printed: between its prompt `N> ` and the next one, without `'ok'`. */
function answers(output) {
  return output.split(/^\d+> /m).slice(1, -1).map((text) => text.replace(/'ok'\n$/, ''));
}

test('h(code_reload) lists the demo module\'s functions with signatures and summaries', () => {
  const [listing, one] = answers(shell(ROOT, ['h(code_reload).', 'h(code_reload, start_client).']));
  assert.equal(listing, [
    'code_reload (modules/code_reload.ts)',
    '',
    '  start_server(): Pid',
    '      Starts the server process, counting from 0.',
    '  server_loop(count: number): Receive<unknown>',
    "      The server: prints every `[from, message]` it gets, stops on `[from, 'quit']`.",
    '  start_client(serverPid: Pid): Pid',
    '      Starts a client that sends the server a timestamp every second.',
    '  client_loop(serverPid: Pid): Receive<unknown>',
    "      The client: waits a second for `[from, 'quit']`, otherwise sends `[self(), now()]`.",
    '',
  ].join('\n'));
  assert.equal(one, [
    '  code_reload:start_client(serverPid: Pid): Pid',
    '',
    '  Starts a client that sends the server a timestamp every second.',
    '',
  ].join('\n'));
});

test('h lists every exported function of every shipped module, with its first doc line', () => {
  const modulesDir = path.join(ROOT, 'modules');
  const names = readdirSync(modulesDir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
  const listings = answers(shell(ROOT, names.map((name) => `h(${name}).`)));
  names.forEach((name, i) => {
    const source = readFileSync(path.join(modulesDir, `${name}.ts`), 'utf8');
    const exported = [...source.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
    assert.ok(exported.length > 0, `${name} exports functions`);
    assert.match(listings[i], new RegExp(`^${name} \\(modules/${name}\\.ts\\)\n`));
    for (const fn of exported) {
      assert.match(listings[i], new RegExp(`^  ${fn}\\(.*\\): .+$`, 'm'), `${name}:${fn} is listed`);
    }
    // A one-line TSDoc right above a function is its summary line.
    for (const [, summary, fn] of source.matchAll(/^\/\*\* (.*?) \*\/\nexport function (\w+)/gm)) {
      assert.ok(listings[i].includes(`  ${fn}(`) && listings[i].includes(`\n      ${summary}\n`), `${name}:${fn} shows "${summary}"`);
    }
  });
});

test('h(mod, fun) prints the whole TSDoc: parameters, defaults, return value, tags, overloads', () => {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'eshell-docs-')));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'geometry.ts'), [
    "import { type Pid } from 'eshell-ts';",
    '',
    '/**',
    ' * Scales a size.',
    ' *',
    ' * Multiplies, and rounds down.',
    ' * @param size what to scale',
    ' * @param factor how much',
    ' * @returns the scaled size',
    ' * @example geometry:scale(3, 2).',
    ' */',
    'export function scale(size: number, factor = 2): number {',
    '  return Math.floor(size * factor);',
    '}',
    '',
    '/** Names a shape. */',
    "export function shape(sides: 3): 'triangle';",
    '/** Names any shape. */',
    'export function shape(sides: number): string;',
    "export function shape(sides: number): string { return sides === 3 ? 'triangle' : 'polygon'; }",
    '',
    'export const owner = (pid: Pid, ...names: string[]) => [pid, names];',
    'export const ORIGIN = [0, 0];',
    '',
  ].join('\n'));
  const [listing, scale, shape, owner, missing, nomodule] = answers(shell(dir, [
    'h(geometry).', 'h(geometry, scale).', 'h(geometry, shape).', 'h(geometry, owner).', 'h(geometry, area).', 'h(nowhere).',
  ]));
  assert.equal(listing, [
    'geometry (geometry.ts)',
    '',
    '  scale(size: number, factor: number = 2): number',
    '      Scales a size.',
    "  shape(sides: 3): 'triangle'",
    '      Names a shape.',
    '  shape(sides: number): string',
    '      Names any shape.',
    '  owner(pid: Pid, ...names: string[]): (Pid | string[])[]',
    '',
  ].join('\n'));
  assert.equal(scale, [
    '  geometry:scale(size: number, factor: number = 2): number',
    '',
    '  Scales a size.',
    '',
    '  Multiplies, and rounds down.',
    '',
    '  Parameters:',
    '    size    what to scale',
    '    factor  how much',
    '',
    '  Returns: the scaled size',
    '',
    '  @example',
    '    geometry:scale(3, 2).',
    '',
  ].join('\n'));
  assert.match(shape, /^ {2}geometry:shape\(sides: 3\): 'triangle'\n\n {2}Names a shape\.\n\n {2}geometry:shape\(sides: number\): string\n\n {2}Names any shape\.\n$/);
  assert.equal(owner, '  geometry:owner(pid: Pid, ...names: string[]): (Pid | string[])[]\n\n  (no documentation)\n');
  assert.equal(missing, 'geometry has no exported function area.\n');
  assert.equal(nomodule, 'No module named nowhere on the code path.\n');
});
