// Values printed in TypeScript notation (src/io/print.ts): what the shell shows for results
// and what ~p / ~w produce.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import { bundleForTest } from './helpers/bundle.mjs';

const { formatValue, formatTerm, quoteString, Pid, Ref, ErlangException } = bundleForTest([
  'src/io/print.ts',
  'src/runtime/pid.ts',
  'src/runtime/errors.ts',
]);

const p = (value, opts) => formatValue(value, opts);

describe('scalars', () => {
  test('strings are single-quoted with JavaScript escapes', () => {
    assert.equal(p('ok'), "'ok'");
    assert.equal(p("it's"), "'it\\'s'");
    assert.equal(p('a\nb'), "'a\\nb'");
    assert.equal(p('tab\there\\'), "'tab\\there\\\\'");
    assert.equal(p('\x00\x1b\x7f'), "'\\x00\\x1B\\x7F'");
    assert.equal(p(''), "''");
    assert.equal(p('héllo 😀'), "'héllo 😀'");
    assert.equal(p('\ud800x'), "'\\ud800x'");
  });

  test('numbers print as JavaScript prints them, keeping -0', () => {
    assert.equal(p(42), '42');
    assert.equal(p(-1.5), '-1.5');
    assert.equal(p(-0), '-0');
    assert.equal(p(NaN), 'NaN');
    assert.equal(p(Infinity), 'Infinity');
    assert.equal(p(-Infinity), '-Infinity');
    assert.equal(p(1e21), '1e+21');
  });

  test('bigint, booleans, null, undefined, symbols', () => {
    assert.equal(p(12n), '12n');
    assert.equal(p(true), 'true');
    assert.equal(p(false), 'false');
    assert.equal(p(null), 'null');
    assert.equal(p(undefined), 'undefined');
    assert.equal(p(Symbol('x')), 'Symbol(x)');
    assert.equal(p(Symbol()), 'Symbol()');
  });

  test('functions and classes', () => {
    function named() {}
    assert.equal(p(named), '[Function: named]');
    assert.equal(p(() => 1), '[Function (anonymous)]');
    assert.equal(p(async function go() {}), '[AsyncFunction: go]');
    assert.equal(p(function* gen() {}), '[GeneratorFunction: gen]');
    class Foo {}
    class Bar extends Foo {}
    assert.equal(p(Foo), '[class Foo]');
    assert.equal(p(Bar), '[class Bar extends Foo]');
    const withProps = () => {};
    withProps.tag = 'x';
    assert.equal(p(withProps), "[Function: withProps] { tag: 'x' }");
  });
});

describe('containers', () => {
  test('tuples and lists are arrays', () => {
    assert.equal(p(['ok', 'code_reload']), "['ok', 'code_reload']");
    assert.equal(p([1764, 2412, 231032]), '[1764, 2412, 231032]');
    assert.equal(p([]), '[]');
    assert.equal(p([['a', 1], { k: [1, 2] }]), "[['a', 1], { k: [1, 2] }]");
  });

  test('objects have spaces inside braces and quote keys that are not identifiers', () => {
    assert.equal(p({ a: 1, b: 'x' }), "{ a: 1, b: 'x' }");
    assert.equal(p({}), '{}');
    assert.equal(p({ 'not-ident': 1 }), "{ 'not-ident': 1 }");
    assert.equal(p({ $x: 1, _y: 2, '1': 3 }), "{ '1': 3, $x: 1, _y: 2 }");
    assert.equal(p({ [Symbol('s')]: 1 }), '{ [Symbol(s)]: 1 }');
  });

  test('class instances and null-prototype objects are labelled', () => {
    class Point {
      constructor() {
        this.x = 1;
        this.y = 2;
      }
    }
    assert.equal(p(new Point()), 'Point { x: 1, y: 2 }');
    assert.equal(p(new (class Empty {})()), 'Empty {}');
    const bare = Object.create(null);
    bare.a = 1;
    assert.equal(p(bare), '[Object: null prototype] { a: 1 }');
  });

  test('getters are shown, never invoked', () => {
    let calls = 0;
    const value = {
      get g() {
        calls++;
        return 1;
      },
      set s(_v) {},
      get gs() {
        calls++;
        return 1;
      },
      set gs(_v) {},
    };
    assert.equal(p(value), '{ g: [Getter], s: [Setter], gs: [Getter/Setter] }');
    assert.equal(calls, 0);
  });

  test('Map, Set, Date, RegExp look like the Node REPL', () => {
    assert.equal(p(new Map([['a', 1]])), "Map(1) { 'a' => 1 }");
    assert.equal(p(new Map()), 'Map(0) {}');
    assert.equal(p(new Set([1, 2])), 'Set(2) { 1, 2 }');
    assert.equal(p(new Date(0)), '1970-01-01T00:00:00.000Z');
    assert.equal(p(new Date(NaN)), 'Invalid Date');
    assert.equal(p(/a+b/gi), '/a+b/gi');
  });

  test('errors show name and message without a stack', () => {
    assert.equal(p(new Error('boom')), '[Error: boom]');
    assert.equal(p(new TypeError('x is not a function')), '[TypeError: x is not a function]');
    class MyError extends Error {}
    assert.equal(p(new MyError('m')), '[MyError: m]');
    const coded = Object.assign(new Error('nope'), { code: 'E1' });
    assert.equal(p(coded), "[Error: nope] { code: 'E1' }");
    assert.equal(p(['error', new RangeError('r')]), "['error', [RangeError: r]]");
  });

  test('buffers and typed arrays', () => {
    assert.equal(p(Buffer.from([1, 2, 255])), '<Buffer 01 02 ff>');
    assert.equal(p(new Uint8Array([1, 2])), 'Uint8Array(2) [1, 2]');
    assert.equal(p(new BigInt64Array([3n])), 'BigInt64Array(1) [3n]');
    assert.match(p(Buffer.alloc(60)), /^<Buffer( 00){50} \.\.\. 10 more bytes>$/);
  });

  test('promises and other opaque objects use Node’s view', () => {
    assert.equal(p(Promise.resolve(1)), 'Promise { 1 }');
    assert.equal(p(new Promise(() => {})), 'Promise { <pending> }');
    assert.equal(p(new WeakMap()), 'WeakMap { <items unknown> }');
    let trapped = 0;
    const proxy = new Proxy({ a: 1 }, { get: (target, key) => (trapped++, target[key]) });
    assert.equal(p(proxy), '{ a: 1 }');
    assert.equal(trapped, 0, 'proxy traps are not run');
  });

  test('promises inside AsyncLocalStorage hide Node’s bookkeeping and stacks', async () => {
    const { AsyncLocalStorage } = await import('node:async_hooks');
    const storage = new AsyncLocalStorage();
    storage.run({ process: 1 }, () => {
      assert.equal(p(Promise.resolve({ a: 'x, y' })), "Promise { { a: 'x, y' } }");
      assert.equal(stripVTControlCharacters(p(new Promise(() => {}), { color: true })), 'Promise { <pending> }');
      const rejected = Promise.reject(new Error('gone'));
      rejected.catch(() => {});
      assert.equal(p([rejected, 1]), '[Promise { <rejected> Error: gone }, 1]');
    });
  });

  test('boxed primitives', () => {
    assert.equal(p(new Number(3)), '[Number: 3]');
    assert.equal(p(new String('s')), "[String: 's']");
    assert.equal(p(Object(false)), '[Boolean: false]');
  });

  test('sparse arrays and extra array properties', () => {
    assert.equal(p([, , 1]), '[<2 empty items>, 1]');
    const huge = new Array(1e9);
    huge[5] = 'x';
    assert.equal(p(huge), "[<5 empty items>, 'x', <999999994 empty items>]");
    const tagged = [1];
    tagged.extra = true;
    assert.equal(p(tagged), '[1, extra: true]');
  });
});

describe('pids and refs', () => {
  test('print through their own inspect hook', () => {
    assert.equal(p(new Pid(37)), '<0.37.0>');
    assert.equal(p([new Pid(31), 'quit']), '[<0.31.0>, quit]'.replace('quit', "'quit'"));
    assert.equal(p(new Ref(5)), '#Ref<0.0.0.5>');
    assert.equal(p({ from: new Pid(2), ref: new Ref(9) }), '{ from: <0.2.0>, ref: #Ref<0.0.0.9> }');
  });

  test('any object with util.inspect.custom is printed with it', () => {
    class Money {
      [Symbol.for('nodejs.util.inspect.custom')]() {
        return '€5';
      }
    }
    assert.equal(p([new Money()]), '[€5]');
    class Delegating {
      [Symbol.for('nodejs.util.inspect.custom')]() {
        return { inner: 1 };
      }
    }
    assert.equal(p(new Delegating()), '{ inner: 1 }');
    class Broken {
      constructor() {
        this.v = 1;
      }
      [Symbol.for('nodejs.util.inspect.custom')]() {
        throw new Error('no');
      }
    }
    assert.equal(p(new Broken()), 'Broken { v: 1 }');
  });
});

describe('limits', () => {
  test('circular references are marked like Node', () => {
    const loop = { a: 1 };
    loop.self = loop;
    assert.equal(p(loop), '<ref *1> { a: 1, self: [Circular *1] }');
    const list = [1];
    list.push(list);
    assert.equal(p(list), '<ref *1> [1, [Circular *1]]');
    const shared = { x: 1 };
    assert.equal(p([shared, shared]), '[{ x: 1 }, { x: 1 }]', 'repeated but not circular');
  });

  test('nesting beyond depth 20 is cut', () => {
    let deep = [];
    for (let i = 0; i < 25; i++) deep = [deep];
    const shown = p(deep, { singleLine: true });
    assert.ok(shown.includes('[Array]'));
    assert.equal(shown.split('[').length - 1, 22);
    let obj = {};
    for (let i = 0; i < 25; i++) obj = { o: obj };
    assert.ok(p(obj, { singleLine: true }).includes('[Object]'));
    assert.equal(p([[[1]]], { depth: 1 }), '[[[Array]]]');
  });

  test('arrays longer than 100 items say how many more there are', () => {
    const shown = p(Array.from({ length: 150 }, (_, i) => i));
    assert.ok(shown.includes('99, ... 50 more items,'));
    assert.ok(!shown.includes('100,'));
    assert.ok(p(Array.from({ length: 101 }, () => 0)).includes('... 1 more item,'));
  });

  test('strings longer than 10,000 characters are cut', () => {
    const shown = p('x'.repeat(10_005));
    assert.equal(shown, `'${'x'.repeat(10_000)}'... 5 more characters`);
  });
});

describe('wrapping', () => {
  test('what fits in the width stays on one line', () => {
    const value = ['a'.repeat(30), 'b'.repeat(30)];
    assert.equal(p(value), `['${'a'.repeat(30)}', '${'b'.repeat(30)}']`);
    assert.equal(p(value, { width: 40 }), `[\n  '${'a'.repeat(30)}',\n  '${'b'.repeat(30)}',\n]`);
  });

  test('breaks one element per line, two spaces per level, trailing commas', () => {
    const value = ['a long string that goes on and on and on and on and on', { key: 'value', other: [1, 2, 3] }];
    assert.equal(
      p(value),
      "[\n  'a long string that goes on and on and on and on and on',\n  { key: 'value', other: [1, 2, 3] },\n]",
    );
    const nested = { deep: ['x'.repeat(50), { key: 'value', more: 'y'.repeat(60) }] };
    assert.equal(
      p(nested),
      [
        '{',
        '  deep: [',
        `    '${'x'.repeat(50)}',`,
        '    {',
        "      key: 'value',",
        `      more: '${'y'.repeat(60)}',`,
        '    },',
        '  ],',
        '}',
      ].join('\n'),
    );
  });

  test('every line fits the width when the pieces can', () => {
    const value = { list: Array.from({ length: 40 }, (_, i) => ({ id: i, name: `item ${i}` })) };
    for (const line of p(value).split('\n')) assert.ok(line.length <= 80, line);
    for (const line of p(value, { width: 50 }).split('\n')) assert.ok(line.length <= 50, line);
  });

  test('the indent option counts text already on the line', () => {
    const value = ['a'.repeat(30), 'b'.repeat(30)]; // 70 characters on one line
    assert.ok(!p(value, { indent: 5 }).includes('\n'));
    assert.ok(p(value, { indent: 20 }).includes('\n'));
    assert.ok(p(value, { indent: 20 }).split('\n')[1].startsWith("  'a"));
  });

  test('long lists of short numbers fill lines, like Erlang ~p', () => {
    const shown = p(Array.from({ length: 40 }, (_, i) => i));
    const lines = shown.split('\n');
    assert.equal(lines[0], '[');
    assert.ok(lines[1].startsWith('  0, 1, 2, 3,'));
    assert.equal(lines.at(-1), ']');
    assert.ok(lines.length < 6);
    for (const line of lines) assert.ok(line.length <= 80);
  });

  test('singleLine and formatTerm never break', () => {
    const value = Array.from({ length: 50 }, (_, i) => `item${i}`);
    assert.ok(!formatTerm(value).includes('\n'));
    assert.equal(formatTerm(value), p(value, { singleLine: true }));
    assert.equal(formatTerm(['ok', 1]), "['ok', 1]");
  });
});

describe('colour', () => {
  const ansi = (code, text, close) => `\x1b[${code}m${text}\x1b[${close}m`;

  test('colours like the Node REPL', () => {
    assert.equal(p('s', { color: true }), ansi(32, "'s'", 39));
    assert.equal(p(1, { color: true }), ansi(33, '1', 39));
    assert.equal(p(1n, { color: true }), ansi(33, '1n', 39));
    assert.equal(p(true, { color: true }), ansi(33, 'true', 39));
    assert.equal(p(null, { color: true }), ansi(1, 'null', 22));
    assert.equal(p(undefined, { color: true }), ansi(90, 'undefined', 39));
    assert.equal(p(Symbol('q'), { color: true }), ansi(32, 'Symbol(q)', 39));
    assert.equal(p(new Pid(3), { color: true }), ansi(36, '<0.3.0>', 39));
    assert.equal(p(new Ref(3), { color: true }), ansi(36, '#Ref<0.0.0.3>', 39));
    assert.equal(p(() => {}, { color: true }), ansi(36, '[Function (anonymous)]', 39));
  });

  test('colour does not change the text or where lines break', () => {
    const value = { pid: new Pid(40), list: ['a'.repeat(20), 1, null, undefined, true, 5n], s: 'y'.repeat(30) };
    for (const width of [80, 40, 20]) {
      assert.equal(stripVTControlCharacters(p(value, { color: true, width })), p(value, { width }));
    }
  });

  test('no colour codes unless asked', () => {
    assert.ok(!p({ a: [1, 'x', null] }).includes('\x1b'));
  });
});

test('quoteString; keys print bare when they are identifiers, quoted otherwise', () => {
  assert.equal(quoteString("a'b"), "'a\\'b'");
  assert.equal(formatTerm({ plain: 1, 'with space': 2 }), "{ plain: 1, 'with space': 2 }");
});

describe('exceptions', () => {
  test('an ErlangException prints as the expression that raises it, never a dump of its fields', () => {
    assert.equal(p(new ErlangException('error', ['bad_value', 1])), "ErlangException('error', ['bad_value', 1])");
    assert.equal(p(new ErlangException('error', 'badarg', 'not a pid: 3')), "ErlangException('error', 'badarg', 'not a pid: 3')");
    assert.equal(p(['EXIT', new ErlangException('throw', 'x')]), "['EXIT', ErlangException('throw', 'x')]");
  });
});
