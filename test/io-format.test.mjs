// io.format / io.fwrite / io.formatToString (src/io/format.ts): Erlang's format directives
// applied to TypeScript values, written through the one output channel.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { bundleForTest } from './helpers/bundle.mjs';

const { io, formatToString, setOutputSink, ErlangException, Pid } = bundleForTest([
  'src/io/format.ts',
  'src/runtime/output.ts',
  'src/runtime/errors.ts',
  'src/runtime/pid.ts',
]);

const f = (fmt, args) => formatToString(fmt, args);

/** Runs `call` and returns the ErlangException it raised. */
function badarg(call) {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof ErlangException, `expected an ErlangException, got ${error}`);
    assert.equal(error.kind, 'error');
    assert.equal(error.reason[0], 'badarg');
    return error;
  }
  assert.fail('expected a badarg exception');
}

describe('writing', () => {
  test('format and fwrite write through the output channel and return ok', () => {
    const written = [];
    setOutputSink((text) => written.push(text));
    try {
      assert.equal(io.format('~p: Server ~p received message ~p from ~p~n', [0, new Pid(37), [1764, 2412, 231032], new Pid(38)]), 'ok');
      assert.equal(io.fwrite('Received quit command from ~p~n', [new Pid(31)]), 'ok');
      assert.equal(io.fwrite('no directives~n'), 'ok');
    } finally {
      setOutputSink((text) => process.stdout.write(text));
    }
    assert.deepEqual(written, [
      '0: Server <0.37.0> received message [1764, 2412, 231032] from <0.38.0>\n',
      'Received quit command from <0.31.0>\n',
      'no directives\n',
    ]);
  });

  test('a bad call writes nothing', () => {
    const written = [];
    setOutputSink((text) => written.push(text));
    try {
      badarg(() => io.format('before ~p ~b~n', ['ok', 'x']));
    } finally {
      setOutputSink((text) => process.stdout.write(text));
    }
    assert.deepEqual(written, []);
  });

  test('formatToString is also on io', () => {
    assert.equal(io.formatToString('~w', [[1, 'a']]), "[1, 'a']");
  });
});

describe('terms: ~p ~w ~P ~W', () => {
  test('~p prints values in TypeScript notation', () => {
    assert.equal(f('~p', [['ok', 'code_reload']]), "['ok', 'code_reload']");
    assert.equal(f('~p', ['text']), "'text'");
    assert.equal(f('~p', [{ a: 1 }]), '{ a: 1 }');
  });

  test('~p wraps at 80 columns counting text already on the line', () => {
    const value = ['a'.repeat(30), 'b'.repeat(30)]; // 70 characters
    assert.equal(f('~p', [value]), `['${'a'.repeat(30)}', '${'b'.repeat(30)}']`);
    const shifted = f('prefix that is long: ~p', [value]);
    assert.equal(shifted, `prefix that is long: [\n  '${'a'.repeat(30)}',\n  '${'b'.repeat(30)}',\n]`);
    assert.ok(!f('line one~nx ~p', [value]).split('\n')[1].endsWith('['), 'a newline resets the column');
  });

  test('~p field width is the line length, precision the starting column', () => {
    const value = ['a'.repeat(10), 'b'.repeat(10)];
    assert.ok(f('~20p', [value]).includes('\n'));
    assert.ok(!f('~100p', [value]).includes('\n'));
    assert.ok(f('~40.30p', [value]).includes('\n'));
  });

  test('~w is always one line', () => {
    const value = Array.from({ length: 40 }, (_, i) => `item${i}`);
    assert.ok(!f('~w', [value]).includes('\n'));
    assert.equal(f('~w', [['a', 1]]), "['a', 1]");
  });

  test('~w with a field width pads, or fills with * when too long', () => {
    assert.equal(f('~10w|', ['ab']), "      'ab'|");
    assert.equal(f('~-6w|', [7]), '7     |');
    assert.equal(f('~3w', [123456]), '***');
    assert.equal(f('~6.2w|', [123456]), '    **|');
  });

  test('~P and ~W take a depth', () => {
    assert.equal(f('~P', [[1, [2, [3, [4]]]], 2]), '[1, [2, [3, [Array]]]]');
    assert.equal(f('~W', [{ a: { b: { c: {} } } }, 1]), '{ a: { b: [Object] } }');
    assert.equal(f('~W', [[[[1]]], -1]), '[[[1]]]');
  });
});

describe('strings and characters: ~s ~c', () => {
  test('~s prints a string raw', () => {
    assert.equal(f('~s!', ['hello']), 'hello!');
    assert.equal(f('~s', ["it's\n"]), "it's\n");
  });

  test('~s of an Erlang-style string: char codes, nested lists, bytes', () => {
    assert.equal(f('~s', [[104, 105]]), 'hi');
    assert.equal(f('~s', [[104, ['i', [32, 'there']]]]), 'hi there');
    assert.equal(f('~s', [Buffer.from('bytes')]), 'bytes');
    assert.equal(f('~s', [[]]), '');
    assert.equal(f('~s', [[0x1f600]]), '😀');
  });

  test('~s field width right-adjusts, - left-adjusts, and truncates', () => {
    assert.equal(f('~10s|', ['abc']), '       abc|');
    assert.equal(f('~-10s|', ['abc']), 'abc       |');
    assert.equal(f('~3s|', ['abcdef']), 'abc|');
    assert.equal(f('~.5s|', ['ab']), 'ab   |');
    assert.equal(f('~10.3s|', ['abcdef']), '       abc|');
    assert.equal(f('~-10.3s|', ['abcdef']), 'abc       |');
    assert.equal(f('~6.2.-s|', ['abc']), '----ab|');
    assert.equal(f('~5s|', ['😀😀']), '   😀😀|', 'width counts characters, not UTF-16 units');
  });

  test('~c prints a character, repeated', () => {
    assert.equal(f('~c', [97]), 'a');
    assert.equal(f('~c', ['z']), 'z');
    assert.equal(f('~5c', [98]), 'bbbbb');
    assert.equal(f('~.3c', [100]), 'ddd');
    assert.equal(f('~5.2c|', [99]), '   cc|');
    assert.equal(f('~-5.2c|', [99]), 'cc   |');
  });
});

describe('numbers: ~f ~e ~g', () => {
  test('~f: six decimals by default, precision sets decimals', () => {
    assert.equal(f('~f', [1]), '1.000000');
    assert.equal(f('~f', [3.14159]), '3.141590');
    assert.equal(f('~.3f', [3.14159]), '3.142');
    assert.equal(f('~.1f', [2.25]), '2.3');
    assert.equal(f('~.2f', [-1.005]), '-1.00', 'rounds the binary value, like Erlang');
    assert.equal(f('~f', [-0]), '-0.000000');
    assert.equal(f('~f', [1e22]), '10000000000000000000000.000000');
  });

  test('~f field width pads, or fills with * when too narrow', () => {
    assert.equal(f('~10.3f|', [3.14159]), '     3.142|');
    assert.equal(f('~-10.2f|', [2.5]), '2.50      |');
    assert.equal(f('~10.2.0f', [2.5]), '0000002.50');
    assert.equal(f('~3.1f', [123.45]), '***');
  });

  test('~e: scientific, precision counts all digits', () => {
    assert.equal(f('~e', [3.14]), '3.14000e+0');
    assert.equal(f('~.3e', [31415.9]), '3.14e+4');
    assert.equal(f('~e', [0.00123]), '1.23000e-3');
    assert.equal(f('~e', [-2.5]), '-2.50000e+0');
    assert.equal(f('~12.3e|', [1234]), '     1.23e+3|');
  });

  test('~g: fixed for 0.1 <= |x| < 10000, scientific otherwise', () => {
    assert.equal(f('~g', [3.14]), '3.14000');
    assert.equal(f('~g', [0.5]), '0.500000');
    assert.equal(f('~g', [1234.5]), '1234.50');
    assert.equal(f('~g', [0.05]), '5.00000e-2');
    assert.equal(f('~g', [123456]), '1.23456e+5');
    assert.equal(f('~.2g', [99.9]), '1.0e+2');
    assert.equal(f('~.3g', [9.5]), '9.50');
  });
});

describe('integers: ~b ~B ~x ~X ~# ~+', () => {
  test('base 10 by default; precision is the base', () => {
    assert.equal(f('~b', [42]), '42');
    assert.equal(f('~B', [-10]), '-10');
    assert.equal(f('~.16b', [255]), 'ff');
    assert.equal(f('~.16B', [255]), 'FF');
    assert.equal(f('~.2b', [5]), '101');
    assert.equal(f('~.36B', [35]), 'Z');
    assert.equal(f('~b', [12345678901234567890n]), '12345678901234567890');
    assert.equal(f('~.16B', [-255n]), '-FF');
  });

  test('field width and pad character: ~F.P.PadC', () => {
    assert.equal(f('~8.16.0B', [255]), '000000FF');
    assert.equal(f('~5.3.0b', [7]), '00021');
    assert.equal(f('~-6b|', [42]), '42    |');
    assert.equal(f('~6b|', [42]), '    42|');
    assert.equal(f('~2b', [12345]), '**');
  });

  test('~x / ~X take a prefix argument; ~# / ~+ print the base', () => {
    assert.equal(f('~.16x', [31, '0x']), '0x1f');
    assert.equal(f('~.16X', [-31, '0x']), '-0x1F');
    assert.equal(f('~.16X', [31, [48, 120]]), '0x1F');
    assert.equal(f('~.16#', [31]), '16#1F');
    assert.equal(f('~.16+', [-31]), '-16#1f');
    assert.equal(f('~#', [10]), '10#10');
  });
});

describe('the rest of the grammar', () => {
  test('~n ~~ ~i', () => {
    assert.equal(f('a~nb'), 'a\nb');
    assert.equal(f('~3n'), '\n\n\n');
    assert.equal(f('100~~'), '100~');
    assert.equal(f('~3~'), '~~~');
    assert.equal(f('~i~p', ['skipped', 'shown']), "'shown'");
  });

  test('* takes field width, precision and pad character from the arguments', () => {
    assert.equal(f('~*b|', [5, 3]), '    3|');
    assert.equal(f('~-*b|', [5, 3]), '3    |');
    assert.equal(f('~*b|', [-5, 3]), '3    |');
    assert.equal(f('~.*b', [2, 7]), '111');
    assert.equal(f('~5..*b', ['x', 4]), 'xxxx4');
    assert.equal(f('~*.*.*s|', [6, 2, 46, 'abc']), '....ab|');
  });

  test('modifiers t, l, k are accepted', () => {
    assert.equal(f('~ts', ['ünï']), 'ünï');
    assert.equal(f('~lp', [[104, 105]]), '[104, 105]');
    assert.equal(f('~kp', [{ b: 1 }]), '{ b: 1 }');
  });

  test('no arguments, empty arguments, literal text only', () => {
    assert.equal(f('plain'), 'plain');
    assert.equal(f('plain', []), 'plain');
    assert.equal(f(''), '');
  });
});

describe('bad arguments raise error badarg with an explanation', () => {
  test('the reason carries the format and the arguments', () => {
    const error = badarg(() => f('~b', ['x']));
    assert.deepEqual(error.reason, ['badarg', ['~b', ['x']]]);
  });

  test('a value that does not fit the directive is named in the message', () => {
    assert.match(badarg(() => f('~b', ['x'])).message, /~b expects an integer, got 'x'/);
    assert.match(badarg(() => f('~b', [1.5])).message, /~b expects an integer, got 1\.5/);
    assert.match(badarg(() => f('~s', [{ a: 1 }])).message, /~s expects a string.*got \{ a: 1 \}/);
    assert.match(badarg(() => f('~s', [42])).message, /~s expects a string/);
    assert.match(badarg(() => f('~f', ['1.0'])).message, /~f expects a number, got '1\.0'/);
    assert.match(badarg(() => f('~c', ['ab'])).message, /~c expects a character/);
    assert.match(badarg(() => f('~.16x', [1, 2])).message, /prefix of ~\.16x must be a string/);
    assert.match(badarg(() => f('~*b', ['w', 1])).message, /field width of ~\* must be an integer/);
  });

  test('argument count mismatches say how many were needed', () => {
    assert.match(badarg(() => f('~p ~p', [1])).message, /needs 2 arguments but 1 was given/);
    assert.match(badarg(() => f('~p', [1, 2])).message, /needs 1 argument but 2 were given/);
    assert.match(badarg(() => f('~p')).message, /needs 1 argument but 0 were given/);
    assert.match(badarg(() => f('~x', [1])).message, /needs 2 arguments but 1 was given/);
  });

  test('arguments that are not an array', () => {
    const error = badarg(() => io.format('~p~n', 'hello'));
    assert.match(error.message, /^io\.format: bad argument: the arguments must be an array/);
    assert.match(error.message, /got 'hello'/);
    badarg(() => io.fwrite('~p', { a: 1 }));
    badarg(() => f(42, []));
  });

  test('malformed directives', () => {
    assert.match(badarg(() => f('~q', [1])).message, /unknown directive ~q/);
    assert.match(badarg(() => f('abc~')).message, /ends in the middle of the directive/);
    assert.match(badarg(() => f('~.0f', [1])).message, /precision must be at least 1/);
    assert.match(badarg(() => f('~.1e', [1])).message, /precision must be at least 2/);
    assert.match(badarg(() => f('~.1b', [1])).message, /base must be between 2 and 36/);
    assert.match(badarg(() => f('~.37b', [1])).message, /base must be between 2 and 36/);
    assert.match(badarg(() => f('~2.3c', [97])).message, /field width \(2\) is smaller than the precision \(3\)/);
  });

  test('the message names the function that was called', () => {
    assert.match(badarg(() => io.fwrite('~b', ['x'])).message, /^io\.fwrite: /);
    assert.match(badarg(() => io.format('~b', ['x'])).message, /^io\.format: /);
  });
});
