// Exceptions and crash reports as Eshell prints them (src/io/exception.ts).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { bundleForTest } from './helpers/bundle.mjs';

const {
  formatException,
  formatThrown,
  formatCrashReport,
  atomText,
  userFrames,
  isInternalFrame,
  ErlangException,
  formatToString,
} = bundleForTest(['src/io/exception.ts', 'src/io/format.ts', 'src/runtime/errors.ts']);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('error class: reasons explained in words', () => {
  const cases = [
    [['badmatch', 2], 'no match of right hand side value 2'],
    [['undef', ['code_reload', 'foo', 1]], 'undefined function code_reload:foo/1'],
    [['undef', ['m', 'f', [1, 2]]], 'undefined function m:f/2'],
    ['badarg', 'bad argument'],
    [['badarg', 'detail'], "bad argument: 'detail'"],
    ['badarith', 'an error occurred when evaluating an arithmetic expression'],
    [['case_clause', ['ok', 1]], "no case clause matching ['ok', 1]"],
    [['try_clause', 3], 'no try clause matching 3'],
    ['if_clause', 'no true branch found when evaluating an if expression'],
    ['function_clause', 'no function clause matching'],
    [['function_clause', ['m', 'f', [1, 'a']]], "no function clause matching m:f(1, 'a')"],
    ['noproc', 'no such process or port'],
    ['timeout_value', 'bad receive timeout value'],
    ['system_limit', 'a system limit has been reached'],
    [['badkey', 'k'], "bad key: 'k'"],
    [['badfun', 7], 'bad function 7'],
    [['unbound', 'X'], 'variable X is unbound'],
    [['shell_undef', 'foo', 2], 'undefined shell command foo/2'],
  ];
  for (const [reason, words] of cases) {
    test(`${JSON.stringify(reason)} → ${words}`, () => {
      assert.equal(formatException('error', reason), `** exception error: ${words}`);
    });
  }

  test('unknown reasons print as values, atoms bare', () => {
    assert.equal(formatException('error', 'oops'), '** exception error: oops');
    assert.equal(formatException('error', ['my_error', 1]), "** exception error: ['my_error', 1]");
    assert.equal(formatException('error', 'Not An Atom'), "** exception error: 'Not An Atom'");
    assert.equal(formatException('error', 42), '** exception error: 42');
  });
});

describe('throw and exit classes print the term', () => {
  test('throw', () => {
    assert.equal(formatException('throw', 'unexpected_message'), '** exception throw: unexpected_message');
    assert.equal(formatException('throw', 'Hello World'), "** exception throw: 'Hello World'");
    assert.equal(formatException('throw', { code: 1 }), '** exception throw: { code: 1 }');
    assert.equal(formatException('throw', 'badarg'), '** exception throw: badarg', 'not explained outside error');
  });

  test('exit', () => {
    assert.equal(formatException('exit', 'killed'), '** exception exit: killed');
    assert.equal(formatException('exit', ['shutdown', 'x']), "** exception exit: ['shutdown', 'x']");
    assert.equal(formatException('exit', 'normal'), '** exception exit: normal');
  });

  test('long terms wrap', () => {
    const long = Array.from({ length: 20 }, (_, i) => `element_${i}`);
    const shown = formatException('exit', long);
    assert.ok(shown.startsWith('** exception exit: [\n'));
    for (const line of shown.split('\n')) assert.ok(line.length <= 80, line);
  });
});

describe('JavaScript errors', () => {
  function failingUserCode() {
    return null.property;
  }

  test('show Name: message and the user frames', () => {
    let error;
    try {
      failingUserCode();
    } catch (e) {
      error = e;
    }
    const lines = formatException('error', error).split('\n');
    assert.match(lines[0], /^\*\* exception error: TypeError: Cannot read properties of null/);
    assert.ok(lines.length >= 2 && lines.length <= 4, lines.join('\n'));
    assert.match(lines[1], /^ {5}at failingUserCode \(.*io-exception\.test\.mjs:\d+:\d+\)$/);
    for (const line of lines.slice(1)) assert.ok(!line.includes('node:internal'), line);
  });

  test('at most three frames, none from node or eshell-ts’s dist/', () => {
    const error = new TypeError('x is not a function');
    error.stack = [
      'TypeError: x is not a function',
      `    at run (${path.join(repoRoot, 'dist', 'evaluator.js')}:10:5)`,
      '    at one (/home/user/project/a.ts:1:1)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at two (/home/user/project/b.ts:2:2)',
      '    at node:internal/main/run_main_module:28:49',
      '    at /home/user/project/c.ts:3:3',
      '    at four (/home/user/project/d.ts:4:4)',
    ].join('\n');
    assert.equal(
      formatException('error', error),
      [
        '** exception error: TypeError: x is not a function',
        '     at one (/home/user/project/a.ts:1:1)',
        '     at two (/home/user/project/b.ts:2:2)',
        '     at /home/user/project/c.ts:3:3',
      ].join('\n'),
    );
  });

  test('frame classification', () => {
    assert.ok(isInternalFrame('at node:internal/main/run_main_module:28:49'));
    assert.ok(isInternalFrame('at Module._compile (node:internal/modules/cjs/loader:1554:14)'));
    assert.ok(isInternalFrame(`at step (${path.join(repoRoot, 'dist', 'internal.js')}:1:2)`));
    assert.ok(!isInternalFrame('at user (/tmp/elsewhere/dist/app.js:1:2)'), 'only eshell-ts’s own dist/');
    assert.ok(!isInternalFrame('at server_loop (/work/modules/code_reload.ts:12:7)'));
  });

  test('frames thrown inside the io bundle itself are hidden', () => {
    let error;
    try {
      formatToString('~b', ['x']);
    } catch (e) {
      error = e;
    }
    const frames = userFrames(error, 10);
    assert.ok(frames.length > 0);
    assert.ok(frames.every((frame) => !/eshell-ts-test-/.test(frame)), frames.join('\n'));
  });

  test('an error without a message shows its name', () => {
    const error = new RangeError();
    error.stack = 'RangeError';
    assert.equal(formatException('error', error), '** exception error: RangeError');
  });
});

describe('ErlangException', () => {
  test('an explicit message replaces the explanation', () => {
    const error = new ErlangException('error', 'badarg', 'self() called outside a process');
    assert.equal(formatThrown(error), '** exception error: self() called outside a process');
    assert.equal(formatException('error', error), '** exception error: self() called outside a process');
    assert.equal(
      formatException('error', 'badarg', { message: 'spawn: not a function' }),
      '** exception error: spawn: not a function',
    );
  });

  test('the default message adds nothing, so the reason is explained', () => {
    assert.equal(formatThrown(new ErlangException('error', 'badarg')), '** exception error: bad argument');
    assert.equal(formatThrown(new ErlangException('exit', ['shutdown', 1])), "** exception exit: ['shutdown', 1]");
    assert.equal(formatThrown(new ErlangException('throw', 'stop')), '** exception throw: stop');
  });

  test('io.format’s badarg reads as its explanation', () => {
    let error;
    try {
      formatToString('~b', ['x']);
    } catch (e) {
      error = e;
    }
    assert.equal(
      formatThrown(error),
      "** exception error: io.formatToString: bad argument: ~b expects an integer, got 'x'",
    );
  });

  test('plain thrown values are the throw class, Errors the error class', () => {
    assert.equal(formatThrown('unexpected_message'), '** exception throw: unexpected_message');
    assert.match(formatThrown(new Error('boom')), /^\*\* exception error: Error: boom/);
  });
});

test('atomText: strings that print bare', () => {
  for (const atom of ['ok', 'code_reload', 'unexpected_message', 'a@b', 'x1']) assert.ok(atomText(atom), atom);
  for (const other of ['Ok', 'with space', '', '1a', 'a-b', 3, null]) assert.ok(!atomText(other), String(other));
});

test('colour: the header is red, text unchanged', () => {
  const coloured = formatException('error', ['badmatch', 'x'], { color: true });
  assert.ok(coloured.startsWith('\x1b[31m** exception error: \x1b[39m'));
  assert.equal(stripVTControlCharacters(coloured), formatException('error', ['badmatch', 'x']));
});

describe('crash reports', () => {
  test('Erlang’s layout with a microsecond timestamp', () => {
    const when = new Date(2026, 10, 25, 11, 14, 56, 123);
    assert.equal(
      formatCrashReport('<0.40.0>', ['badmatch', 2], when),
      '=ERROR REPORT==== 25-Nov-2026::11:14:56.123000 ===\n' +
        'Error in process <0.40.0> with exit value:\n' +
        "['badmatch', 2]\n\n",
    );
  });

  test('defaults to now', () => {
    const report = formatCrashReport('<0.1.0>', 'oops');
    assert.match(report, /^=ERROR REPORT==== \d{2}-[A-Z][a-z]{2}-\d{4}::\d{2}:\d{2}:\d{2}\.\d{6} ===\n/);
    assert.ok(report.endsWith('Error in process <0.1.0> with exit value:\n\'oops\'\n\n'));
  });

  test('a JavaScript error shows Name: message and user frames', () => {
    const error = new TypeError('x is not a function');
    error.stack = 'TypeError: x is not a function\n    at f (/p/m.ts:1:2)\n    at node:internal/x:1:1';
    const report = formatCrashReport('<0.9.0>', error, new Date(2026, 0, 2, 3, 4, 5, 6));
    assert.equal(
      report,
      '=ERROR REPORT==== 02-Jan-2026::03:04:05.006000 ===\n' +
        'Error in process <0.9.0> with exit value:\n' +
        'TypeError: x is not a function\n' +
        '     at f (/p/m.ts:1:2)\n\n',
    );
  });

  test('an ErlangException shows its reason, and its explanation when it has one', () => {
    const when = new Date(2026, 0, 2, 3, 4, 5, 6);
    assert.ok(formatCrashReport('<0.9.0>', new ErlangException('error', ['badarith', 1]), when).endsWith("['badarith', 1]\n\n"));
    const explained = formatCrashReport('<0.9.0>', new ErlangException('error', 'badarg', 'not a pid: 3'), when);
    assert.ok(explained.endsWith("'badarg'\n     not a pid: 3\n\n"), explained);
  });

  test('an error exit reason [reason, stack] prints as one term, then the explanation it was raised with', () => {
    // erl 25: Error in process <0.83.0> with exit value:
    //         {{bad_value,2},[{crashy,deeper,1,[{file,"crashy.erl"},{line,4}]},...]}
    const when = new Date(2026, 0, 2, 3, 4, 5, 6);
    const stack = [['crashy', 'deeper', 1, [['file', 'crashy.ts'], ['line', 8]]]];
    const thrown = new ErlangException('error', 'badarg', 'not a pid: 3');
    assert.ok(
      formatCrashReport('<0.9.0>', ['badarg', stack], when, thrown).endsWith(
        "Error in process <0.9.0> with exit value:\n['badarg', [['crashy', 'deeper', 1, [['file', 'crashy.ts'], ['line', 8]]]]]\n     not a pid: 3\n\n",
      ),
    );
  });

  test('an error exit reaching the shell: the reason, and the stack as Eshell lists it', () => {
    // erl 25: ** exception exit: {bad_value,2}
    //              in function  crashy:deeper/1 (crashy.erl, line 4)
    //              in call from crashy:boom/1 (crashy.erl, line 3)
    const stack = [
      ['crashy', 'deeper', 1, [['file', 'crashy.ts'], ['line', 8]]],
      ['crashy', 'boom', 1, [['file', 'crashy.ts'], ['line', 4]]],
      ['shell', '-fun-', 0, [['file', 'shell:2'], ['line', 1]]],
    ];
    assert.equal(
      formatException('exit', [['bad_value', 2], stack]),
      "** exception exit: ['bad_value', 2]\n" +
        '     in function  crashy:deeper/1 (crashy.ts, line 8)\n' +
        '     in call from crashy:boom/1 (crashy.ts, line 4)',
    );
  });
});
