// The terminal thread's pieces without a terminal: key decoding, wrapping layout, the line
// editor, the history file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleForTest } from './helpers/bundle.mjs';

const { KeyDecoder, pasteAsKeys } = bundleForTest('src/shell/terminal/keys.ts');
const { layoutView } = bundleForTest('src/io/interleave.ts');
const { LineEditor } = bundleForTest('src/shell/terminal/lineEditor.ts');
const { displayWidth } = bundleForTest('src/io/textWidth.ts');
const { History, loadHistoryFile, appendHistoryFile } = bundleForTest('src/shell/terminal/history.ts');
const { parseArgs } = bundleForTest('src/shell/terminal/cli.ts');

const names = (events) => events.map((e) => (e.kind === 'key' ? e.name : `${e.kind}:${e.text}`));

test('escape sequences, control keys and Alt combinations decode to named keys', () => {
  const d = new KeyDecoder();
  assert.deepEqual(names(d.feed('ab\x1b[A\x1b[D\x1bOH\x1b[3~\x01\x7f\x1bb\x1b\x7f\r')), [
    'text:ab', 'up', 'left', 'home', 'delete', 'ctrl-a', 'backspace', 'meta-b', 'meta-backspace', 'enter',
  ]);
  assert.deepEqual(names(d.feed('\x1b[1;5C')), ['word-right']);
});

test('a sequence split across reads waits for its end; a lone Escape counts after flush', () => {
  const d = new KeyDecoder();
  assert.deepEqual(names(d.feed('x\x1b[')), ['text:x']);
  assert.ok(d.hasPending());
  assert.deepEqual(names(d.feed('B')), ['down']);
  assert.deepEqual(names(d.feed('\x1b')), []);
  assert.deepEqual(names(d.flush()), ['escape']);
});

test('bracketed paste arrives whole, even across reads, and becomes typed lines', () => {
  const d = new KeyDecoder();
  assert.deepEqual(names(d.feed('\x1b[200~X = 1.\r\nY')), []);
  assert.deepEqual(names(d.feed(' = 2.\x1b[201~')), ['paste:X = 1.\r\nY = 2.']);
  assert.deepEqual(names(pasteAsKeys('X = 1.\r\nY\t= 2.')), ['text:X = 1.', 'enter', 'text:Y    = 2.']);
});

test('invalid and split UTF-8 decode safely', () => {
  const d = new KeyDecoder();
  const euro = Buffer.from('€');
  assert.deepEqual(names(d.feed(euro.subarray(0, 1))), []);
  assert.deepEqual(names(d.feed(euro.subarray(1))), ['text:€']);
  assert.deepEqual(names(d.feed(Buffer.from([0xff, 0x41]))), ['text:\ufffdA']);
});

test('layout wraps at the terminal width, wide characters included', () => {
  const view = (line, cursorIndex = line.length) => ({ lines: [line], cursorLine: 0, cursorIndex });
  assert.deepEqual(pick(layoutView(view('1> abc'), 10)), { endRow: 0, cursorRow: 0, cursorCol: 6 });
  // exactly full: the cursor steps onto the next row
  assert.deepEqual(pick(layoutView(view('1> 1234567'), 10)), { endRow: 1, cursorRow: 1, cursorCol: 0 });
  assert.deepEqual(pick(layoutView(view('1> 12345678901'), 10)), { endRow: 1, cursorRow: 1, cursorCol: 4 });
  // a wide character that does not fit in the last column moves to the next row whole
  assert.deepEqual(pick(layoutView(view('1> 123456漢'), 10)), { endRow: 1, cursorRow: 1, cursorCol: 2 });
  assert.equal(displayWidth('漢字ab'), 6);
  const multi = { lines: ['1> X = [1,', '.. 2].'], cursorLine: 0, cursorIndex: 3 };
  assert.deepEqual(pick(layoutView(multi, 80)), { endRow: 1, cursorRow: 0, cursorCol: 3 });
});
const pick = ({ endRow, cursorRow, cursorCol }) => ({ endRow, cursorRow, cursorCol });

test('line editor: words, kills and yank act on the cursor line', () => {
  const e = new LineEditor();
  e.insert('X = lists:map(F, L).');
  e.wordLeft();
  assert.equal(e.cursor, 'X = lists:map(F, '.length);
  e.killWordBack();
  assert.equal(e.text, 'X = lists:map(L).');
  e.set('a b\nc d', 7);
  e.killToStart();
  assert.equal(e.text, 'a b\n');
  e.yank();
  assert.equal(e.text, 'a b\nc d');
  e.set('😀x', 2);
  e.left();
  assert.equal(e.cursor, 0);
  e.deleteForward();
  assert.equal(e.text, 'x');
});

test('history file: JSON lines, mode 0600, corrupt lines skipped, huge entries not written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eshell-hist-'));
  const file = path.join(dir, 'h');
  const h = new History(file);
  h.load();
  h.add('X = [1,\n2].');
  h.add('X = [1,\n2].');
  h.add('   ');
  h.add('bad\udc00surrogate.');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  fs.appendFileSync(file, '{not json\n"ok."\n');
  assert.equal(appendHistoryFile(file, 'x'.repeat(1 << 20)), false);
  assert.deepEqual(loadHistoryFile(file), ['X = [1,\n2].', 'bad\udc00surrogate.', 'ok.']);
  for (const line of fs.readFileSync(file, 'utf8').trim().split('\n').filter((l) => !l.startsWith('{'))) JSON.parse(line);
  fs.rmSync(dir, { recursive: true });
});

test('history browsing keeps the draft; reverse search finds older matches', () => {
  const h = new History();
  for (const e of ['alpha.', 'beta.', 'alphabet.']) h.add(e);
  assert.equal(h.previous('draft'), 'alphabet.');
  assert.equal(h.previous('ignored'), 'beta.');
  assert.equal(h.next(), 'alphabet.');
  assert.equal(h.next(), 'draft');
  assert.equal(h.next(), undefined);
  assert.deepEqual(h.searchBackward('alpha'), { index: 2, at: 0 });
  assert.deepEqual(h.searchBackward('alpha', 2), { index: 0, at: 0 });
});

test('arguments: -pa repeats, -e, unknown options are errors', () => {
  const r = parseArgs(['-pa', 'a', '-pa', '/b', '-e', '1+1', '--no-color'], { ESHELL_TS_PATH: `/c${path.delimiter}/d` });
  assert.ok(r.ok);
  assert.deepEqual(r.options.pathDirs, [path.resolve('a'), '/b', '/c', '/d']);
  assert.equal(r.options.evalExpr, '1+1');
  assert.equal(r.options.noColor, true);
  assert.deepEqual(parseArgs(['--frobnicate'], {}), { ok: false, error: "unknown option '--frobnicate'" });
  assert.equal(parseArgs(['-pa'], {}).ok, false);
});
