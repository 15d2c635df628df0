// The code path: where c(mod) and auto-loading look for a module's source file.
import { test, beforeEach, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initCodePath, findModule, listModules, getPath, code, shellCommands, setOutputSink } from '../dist/internal.js';

let printed = '';
setOutputSink((text) => { printed += text; });
beforeEach(() => { printed = ''; });

const workspaces = [];
after(() => { for (const dir of workspaces) rmSync(dir, { recursive: true, force: true }); });

/** A fresh directory tree: { 'a.ts': 'source', 'modules/b.ts': '...' }. */
function workspace(files) {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'eshell-code-path-')));
  workspaces.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('the path is -pa dirs, then the current directory, then ./modules', () => {
  const dir = workspace({ 'modules/x.ts': '', 'lib/y.ts': '' });
  initCodePath({ cwd: dir, extraDirs: [path.join(dir, 'lib')] });
  assert.deepEqual(getPath(), [path.join(dir, 'lib'), dir, path.join(dir, 'modules')]);
});

test('./modules is on the path only when it exists, and missing -pa dirs are reported', () => {
  const dir = workspace({ 'a.ts': '' });
  const rejected = initCodePath({ cwd: dir, extraDirs: ['nowhere'] });
  assert.deepEqual(getPath(), [dir]);
  assert.equal(rejected.length, 1);
  assert.match(rejected[0].message, /nowhere/);
});

test('a module is found in the first directory that has it, .ts before .js', () => {
  const dir = workspace({
    'same.ts': '', 'modules/same.ts': '',
    'modules/deep.ts': '',
    'both.js': '', 'both.ts': '',
    'lib/pa.ts': '', 'pa.ts': '',
  });
  initCodePath({ cwd: dir, extraDirs: [path.join(dir, 'lib')] });
  assert.equal(findModule('same').file, path.join(dir, 'same.ts'));
  assert.equal(findModule('deep').file, path.join(dir, 'modules', 'deep.ts'));
  assert.equal(findModule('both').file, path.join(dir, 'both.ts'));
  assert.equal(findModule('pa').file, path.join(dir, 'lib', 'pa.ts'));
  assert.deepEqual(findModule('deep'), { name: 'deep', file: path.join(dir, 'modules', 'deep.ts') });
});

test('a missing module is nofile, with a message naming where it looked', async () => {
  const dir = workspace({ 'modules/other.ts': '' });
  initCodePath({ cwd: dir });
  assert.deepEqual(await shellCommands.c('ghost'), ['error', 'nofile']);
  assert.match(printed, /ghost/);
  assert.ok(printed.includes(dir) && printed.includes(path.join(dir, 'modules')), printed);
  assert.equal(code.which('ghost'), 'non_existing');
});

test('names that are not module names are refused, not searched', async () => {
  const dir = workspace({ 'a.ts': '' });
  initCodePath({ cwd: dir });
  for (const spec of ['..', 'a.b', 'foo\\bar', '', '1abc', 'has space', 'x/my-mod.ts']) {
    printed = '';
    assert.deepEqual(await shellCommands.c(spec), ['error', 'badarg'], spec);
    assert.match(printed, /not a module name/, spec);
  }
});

test('a path the user spells out is loaded from there, named after the file', async () => {
  const outside = workspace({ 'pathmod_elsewhere.ts': 'export const where = "outside";' });
  const dir = workspace({});
  initCodePath({ cwd: dir });
  const relative = path.relative(dir, path.join(outside, 'pathmod_elsewhere.ts'));
  assert.deepEqual(await shellCommands.c(relative), ['ok', 'pathmod_elsewhere']);
  assert.equal(code.which('pathmod_elsewhere'), path.join(outside, 'pathmod_elsewhere.ts'));
  printed = '';
  assert.deepEqual(await shellCommands.c('../no/such/file.ts'), ['error', 'nofile']);
  assert.match(printed, /no such file/);
  assert.deepEqual(await shellCommands.c('notes/readme.txt'), ['error', 'badarg']);
});

test('listModules lists every module on the path once, sorted', () => {
  const dir = workspace({ 'b.ts': '', 'a.js': '', 'modules/c.mjs': '', 'modules/b.tsx': '', 'skip-me.ts': '', 'notes.md': '' });
  initCodePath({ cwd: dir });
  assert.deepEqual(listModules(), ['a', 'b', 'c']);
});

test('code.add_path appends a directory; a missing one is bad_directory', () => {
  const dir = workspace({ 'extra/e.ts': '' });
  initCodePath({ cwd: dir });
  assert.equal(code.add_path('extra'), true);
  assert.deepEqual(code.get_path(), [dir, path.join(dir, 'extra')]);
  assert.equal(findModule('e').file, path.join(dir, 'extra', 'e.ts'));
  assert.deepEqual(code.add_path('missing'), ['error', 'bad_directory']);
});
