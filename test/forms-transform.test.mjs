// transformInput: Eshell's forms rewritten into TypeScript calling the evaluator's `__eshell`
// helpers — and everything that is not an Eshell form left exactly as typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { transformSync } from 'esbuild';
import { bundleForTest } from './helpers/bundle.mjs';

// Which arguments are bare atoms or variable names: in the shell, its table of built-ins
// (test/shell-builtins.test.mjs checks the real one); here a few entries of the same shape.
const BARE = { c: ['atom'], l: ['atom'], m: ['atom'], h: ['atom', 'atom'], f: ['variable'], 'code.which': ['atom'] };
const bareArguments = (callee) => BARE[callee];

const { transformInput, splitForms } = bundleForTest('src/shell/forms.ts');

const GLOBALS = new Set(['Math', 'JSON', 'Promise', 'Date', 'Foo']);
const MODULES = new Set(['code_reload', 'lists', 'io', 'code', 'erlang']);
const context = { isVariable: (name) => !GLOBALS.has(name), isModule: (name) => MODULES.has(name), bareArguments };
const transform = (source) => transformInput(source, context);

const v = (name) => `__eshell.v("${name}")`;

const WAIT = '__eshell_wait__(';
/** The code without the marks of the values the prompt waits for (tested on their own below). */
function unmarked(code) {
  let out = '';
  const closers = [];
  for (let i = 0; i < code.length; i++) {
    if (code.startsWith(WAIT, i)) {
      closers.push(true);
      i += WAIT.length - 1;
      continue;
    }
    const c = code[i];
    if (c === '(') closers.push(false);
    if (c === ')' && closers.pop()) continue;
    out += c;
  }
  return out;
}

/** [name, input, expected code] */
const forms = [
  // terminator
  ['terminator after a match', 'X = 1.', `__eshell.match(${v('X')}, (1))`],
  ['terminator after a decimal', '1.5.', '1.5'],
  ['terminator after a string', "'a'.", "'a'"],
  ['terminator after a name', 'foo.', 'foo'],
  ['terminator after a member chain', 'x.y.', 'x.y'],
  ['number ending in a dot', '1.', '1'],
  ['terminator with spaces around', '  X = 1 .  ', `__eshell.match(${v('X')}, (1))`],
  ['terminator after a comment', 'x. // done', 'x'],
  ['a trailing comment is dropped', 'x /* P ! m */ + 1 // X = 1', 'x /* P ! m */ + 1'],
  // single assignment / pattern match
  ['variable match', 'ServerPid = code_reload:start_server().',
    `__eshell.match(${v('ServerPid')}, (__eshell.mod("code_reload").start_server()))`],
  ['underscore variable', '_Ignored = f()', `__eshell.match(${v('_Ignored')}, (f()))`],
  ['array pattern', "['ok', Pid] = expr", `__eshell.match(['ok', ${v('Pid')}], (expr))`],
  ['object pattern', '{ name: N, age: 42 } = expr', `__eshell.match({ name: ${v('N')}, age: 42 }, (expr))`],
  ['object shorthand', '{ Name } = person', `__eshell.match({ Name: ${v('Name')} }, (person))`],
  ['rest element', '[H, ...T] = list', `__eshell.match([${v('H')}, __eshell.rest(${v('T')})], (list))`],
  ['wildcard', "['ok', _] = f()", `__eshell.match(['ok', __eshell.wildcard], (f()))`],
  ['nested pattern', "[A, [B, 'x'], { k: [C] }] = y",
    `__eshell.match([${v('A')}, [${v('B')}, 'x'], { k: [${v('C')}] }], (y))`],
  ['negative number and constants in a pattern', '[X, -1, true, null] = y', `__eshell.match([${v('X')}, -1, true, null], (y))`],
  ['a global inside a pattern is a value', '[Math, X] = y', `__eshell.match([Math, ${v('X')}], (y))`],
  ['chained matches', 'X = Y = 1', `__eshell.match(${v('X')}, (__eshell.match(${v('Y')}, (1))))`],
  ['match of an object literal', 'X = {a: 1}.', `__eshell.match(${v('X')}, ({a: 1}))`],
  ['match of an arrow function', 'F = (x) => x + 1', `__eshell.match(${v('F')}, ((x) => x + 1))`],
  ['match of a generic constructor call', 'M = new Map<string, number>()', `__eshell.match(${v('M')}, (new Map<string, number>()))`],
  // sequences
  ['sequence', 'X = 1, Y = X + 1.', `(__eshell.match(${v('X')}, (1)), __eshell.match(${v('Y')}, (X + 1)))`],
  ['sequence ending in an expression', '[X, Y] = [1, 2], X + Y.', `(__eshell.match([${v('X')}, ${v('Y')}], ([1, 2])), X + Y)`],
  ['sequence over lines', 'X = 1,\nY = 2.', `(__eshell.match(${v('X')}, (1)),\n__eshell.match(${v('Y')}, (2)))`],
  ['statements on separate lines', 'X = 1\nY = X + 1', `__eshell.match(${v('X')}, (1))\n__eshell.match(${v('Y')}, (X + 1))`],
  ['statements with semicolons', 'X = 1; Y = 2', `__eshell.match(${v('X')}, (1)); __eshell.match(${v('Y')}, (2))`],
  ['a sequence after a line without semicolon', 'foo()\nX = 1, Y = 2',
    `foo()\n;(__eshell.match(${v('X')}, (1)), __eshell.match(${v('Y')}, (2)))`],
  // send
  ['send', 'Pid ! Msg', '__eshell.send(Pid, Msg)'],
  ['send from the demo', "ClientPid ! [self(), 'quit'].", "__eshell.send(ClientPid, [self(), 'quit'])"],
  ['send is right-associative', 'A ! B ! m', '__eshell.send(A, __eshell.send(B, m))'],
  ['send is the lowest precedence', 'a + b ! c + d', '__eshell.send(a + b, c + d)'],
  ['match of a send', 'X = Pid ! Msg', `__eshell.match(${v('X')}, (__eshell.send(Pid, Msg)))`],
  ['send of a match', 'Pid ! X = m', `__eshell.send(Pid, __eshell.match(${v('X')}, (m)))`],
  ['send inside a call', 'foo(Pid ! m, 2)', 'foo(__eshell.send(Pid, m), 2)'],
  ['send inside an array', '[P ! a, Q ! b]', '[__eshell.send(P, a), __eshell.send(Q, b)]'],
  ['send without spaces', 'Pid!msg', '__eshell.send(Pid, msg)'],
  ['send to a call result', "self() ! 'hi'", "__eshell.send(self(), 'hi')"],
  ['send of a negative number', 'P ! -1', '__eshell.send(P, -1)'],
  ['send of a negation', 'P ! !flag', '__eshell.send(P, !flag)'],
  ['send of a parenthesised message', 'P ! (m)', '__eshell.send(P, (m))'],
  ['send on the next line', 'Pid\n  ! msg', '__eshell.send(Pid, msg)'],
  ['send after a lowercase assignment', 'x = P ! m', 'x = __eshell.send(P, m)'],
  ['send in a conditional branch', 'x = c ? P ! m : 2', 'x = c ? __eshell.send(P, m) : 2'],
  ['send in the else branch', 'c ? 1 : P ! m', 'c ? 1 : __eshell.send(P, m)'],
  ['send in an arrow body', 'xs.forEach((p) => p ! hello)', 'xs.forEach((p) => __eshell.send(p, hello))'],
  ['send in a block', 'if (x) { P ! m }', 'if (x) { __eshell.send(P, m) }'],
  ['send after return', 'function f(p) { return p ! 1 }', 'function f(p) { return __eshell.send(p, 1) }'],
  ['send in a template substitution', '`a${Pid ! m}b`', '`a${__eshell.send(Pid, m)}b`'],
  ['send in a const initialiser', 'const r = P ! m', 'const r = __eshell.send(P, m)'],
  ['send in an object value', 'x = { a: P ! m }', 'x = { a: __eshell.send(P, m) }'],
  // remote calls
  ['remote call', 'code_reload:start_server()', '__eshell.mod("code_reload").start_server()'],
  ['remote call with arguments', 'code_reload:start_client(ServerPid).', '__eshell.mod("code_reload").start_client(ServerPid)'],
  ['remote call of an unknown module', 'foo:bar(1)', '__eshell.mod("foo").bar(1)'],
  ['function value of a known module', 'F = lists:map', `__eshell.match(${v('F')}, (__eshell.mod("lists").map))`],
  ['remote call in an argument', 'io:format("~p~n", [lists:reverse(L)])', '__eshell.mod("io").format("~p~n", [__eshell.mod("lists").reverse(L)])'],
  ['remote call as an object value', 'x = {a: m:f()}', 'x = {a: __eshell.mod("m").f()}'],
  ['remote call in a function body', 'function f(a:string) { return m:f(a) }', 'function f(a:string) { return __eshell.mod("m").f(a) }'],
  ['send of a remote call result', 'P ! erlang:now()', '__eshell.send(P, __eshell.mod("erlang").now())'],
  // built-ins with bare atoms
  ['c with a bare module name', 'c(code_reload).', "c('code_reload')"],
  ['c with options', "c(code_reload, ['strict'])", "c('code_reload', ['strict'])"],
  ['l and m (bare atoms per the table), nl is no built-in', 'l(x), m(y), nl(z)', "l('x'), m('y'), nl(z)"],
  ['h with module and function', 'h(lists, map)', "h('lists', 'map')"],
  ['code.which', 'code.which(code_reload)', "code.which('code_reload')"],
  ['code:which', 'code:which(code_reload)', `__eshell.mod("code").which('code_reload')`],
  ['f forgets a variable', 'f(X)', "f('X')"],
  ['f with no argument', 'f()', 'f()'],
  ['b untouched', 'b()', 'b()'],
  ['c of a built-in inside a match', 'R = c(code_reload)', `__eshell.match(${v('R')}, (c('code_reload')))`],
  // Erlang allows spaces around the colon of a remote call (erl: `tut15: start().` works)
  ['remote call with a space after the colon', 'tut15: start().', '__eshell.mod("tut15").start()'],
  ['remote call with spaces around the colon', 'X = tut15 : start(1)', `__eshell.match(${v('X')}, (__eshell.mod("tut15").start(1)))`],
  // Erlang's catch Expr: lowest precedence, to the end of the comma-separated piece
  ['catch', 'catch 1 + 1.', '__eshell.catch(() => (1 + 1))'],
  // a body that calls something waits for it inside the catch: a generator the input delegates to
  ['catch after a match', 'X = catch f(), Y', `(__eshell.match(${v('X')}, (__eshell_delegate__(__eshell.catch(function* () { return (f()\n); })))), Y)`],
  ['catch in a list element', '[catch g(a), 3]', '[__eshell_delegate__(__eshell.catch(function* () { return (g(a)\n); })), 3]'],
  ['catch of a parenthesised expression', 'catch (1 + 2).', '__eshell.catch(() => ((1 + 2)))'],
];

/** Inputs that are not Eshell forms: they come out exactly as typed. */
const untouched = [
  ['lowercase assignment', 'x = 1'],
  ['destructuring with lowercase names', '[a, b] = [b, a]'],
  ['assignment to a global', 'Math = 1'],
  ['assignment to a user class', 'Foo = 1'],
  ['lone underscore assignment', '_ = 1'],
  ['equality', 'X == 1'],
  ['strict equality', 'X === 1'],
  ['arrow with a capitalised parameter', 'X => X + 1'],
  ['less or equal', 'X <= 1'],
  ['compound assignment', 'X += 1'],
  ['const with a type annotation', 'const x: number = 1'],
  ['const with a tight annotation', 'const x:number = 1'],
  ['arrow with typed parameter', '(a: number) => a'],
  ['arrow with tight typed parameter', '(a:number) => a'],
  ['arrow with return type', '(a:number):string => String(a)'],
  ['function with typed parameters', 'function f(a:string, b:number): void {}'],
  ['class with typed members', 'class A { x:number = 1; m(a:number):void {} }'],
  ['conditional with spaces', 'cond ? a : b(1)'],
  ['conditional without spaces', 'c?a:b(1)'],
  ['object literal value call in an assignment', 'x = {m:f()}'],
  ['object destructuring in const', 'const {a:b} = x'],
  ['type alias', 'type T = {a:number; b:f}'],
  ['interface', 'interface I { a:b(): void }'],
  ['enum', 'enum E { A = 1, B }'],
  ['non-null then member', 'x!.y'],
  ['non-null at the end', 'x!'],
  ['non-null in arguments', 'foo(x!, y)'],
  ['non-null then call', 'f!(a)'],
  ['non-null then index', 'arr![0]'],
  ['non-null then as', 'x! as T'],
  ['non-null then operator', 'a! + b'],
  ['inequality', 'a != b'],
  ['strict inequality', 'a !== b'],
  ['unary not', '!a'],
  ['not after an operator', 'x = !a && !b'],
  ['not after return', 'function f() { return !x }'],
  ['label', 'outer: for (;;) break outer'],
  ['switch case', 'switch (x) { case a:b(); }'],
  ['string with shell syntax', '"P ! m. X = a:b(1)"'],
  ['template with shell syntax', '`P ! m. X = a:b(1)`'],
  ['regex with shell syntax', '/a!b:c(d)/.test(s)'],
  ['comments with shell syntax', 'x /* P ! m */ + y'],
  ['c of an expression', "c(name + '')"],
  ['c of a string', "c('x')"],
  ['c of a template', 'c(`x`)'],
  ['method named c', 'foo.c(x)'],
  ['import', "import fs from 'fs'"],
  ['dynamic import', "import('x')"],
  ['multiple const declarators', 'const m = new Map<string, number>(), X = 1'],
  ['generic call arguments', 'new Foo<A, B>(1, X = 2)'],
  ['async arrow', 'const f = async () => { await x }'],
  ['chained call on the next line', 'a\n  .b()'],
  ['try and catch', 'try { f() } catch (e) { g(e) }'],
  ['try and catch without a binding', 'try { f() } catch { g() }'],
  ['promise catch method', 'p.catch((e) => e)'],
  ['type annotation with a space stays one', '(a: number) => a'],
];

for (const [name, source, expected] of forms) {
  test(`transformInput: ${name}`, () => {
    const result = transform(source);
    assert.equal(result.kind, 'code', JSON.stringify(result));
    assert.equal(unmarked(result.code), expected);
    assertParses(result);
  });
}

for (const [name, source] of untouched) {
  test(`transformInput leaves alone: ${name}`, () => {
    const result = transform(source);
    assert.equal(result.kind, 'code', JSON.stringify(result));
    assert.equal(unmarked(result.code), source);
    assert.equal(result.usesAwait, false);
  });
}

test('transformInput: a lone object literal is an object, as in Node\'s REPL', () => {
  assert.equal(unmarked(transform('{ a: b(1) }').code), '({ a: b(1) })');
  assert.equal(unmarked(transform('{a:b(1)}').code), '({a:b(1)})');
  assert.equal(transform('{}').code, '({})');
  assert.equal(transform('{ let a = 1 }').code, '{ let a = 1 }');
});

test('transformInput: empty inputs', () => {
  for (const source of ['', '   ', '.', ' . ', '// just a comment', '/* c */ .']) {
    assert.deepEqual(transform(source), { kind: 'empty' }, JSON.stringify(source));
  }
});

test('transformInput: a top-level await becomes a wait mark; usesAwait only where it cannot', () => {
  const uses = (source) => transform(source).usesAwait;
  assert.equal(transform('await x').code, '__eshell_wait__(x)');
  assert.equal(transform('X = await foo()').code, `__eshell.match(${v('X')}, (__eshell_wait__(__eshell_wait__(foo()))))`);
  assert.equal(transform('if (c) { await x }').code, 'if (c) { __eshell_wait__(x) }');
  assert.equal(uses('await x'), false);
  assert.equal(uses('for await (const x of y) {}'), true);
  assert.equal(uses('await -x'), true);
  assert.equal(uses('async () => await x'), false);
  assert.equal(uses('async function f() { await 1 }'), false);
  assert.equal(uses('const o = { async m() { await 1 } }'), false);
  assert.equal(uses('class A { async m() { await 1 } }'), false);
  assert.equal(uses('x.await'), false);
  assert.equal(uses('"await"'), false);
});

test('transformInput: every call outside a function body is a value the prompt waits for', () => {
  const code = (source) => transform(source).code;
  const W = (x) => `__eshell_wait__(${x})`;
  assert.equal(code('f(1)'), W('f(1)'));
  assert.equal(code('a.b(c).d(e)'), W(`${W('a.b(c)')}.d(e)`));
  assert.equal(code('[f(), g()]'), `[${W('f()')}, ${W('g()')}]`);
  assert.equal(code('f(g(x))'), W(`f(${W('g(x)')})`));
  assert.equal(code('A = f(), B = g()'), `(__eshell.match(${v('A')}, (${W('f()')})), __eshell.match(${v('B')}, (${W('g()')})))`);
  assert.equal(code('new Foo(1).m()'), W('new Foo(1).m()'));
  assert.equal(code('new Foo(1)'), 'new Foo(1)');
  assert.equal(code('code_reload:start()'), W('__eshell.mod("code_reload").start()'));
  assert.equal(code('x => f(x)'), 'x => f(x)');
  assert.equal(code('function g() { return f() }'), 'function g() { return f() }');
  assert.equal(code('class A { x = f(); m() { g() } }'), 'class A { x = f(); m() { g() } }');
  assert.equal(code('if (f()) g()'), `if (${W('f()')}) ${W('g()')}`);
  assert.equal(code('for (const x of xs) f(x)'), `for (const x of xs) ${W('f(x)')}`);
  assert.equal(transform('f(1)').waits, true);
  assert.equal(transform('x + 1').waits, false);
});

test('transformInput: freeModules lists known modules used as values, once each', () => {
  const modules = (source) => transform(source).freeModules;
  assert.deepEqual(modules('lists.map(f, lists.seq(1, 3))'), ['lists']);
  assert.deepEqual(modules('code_reload:start_server()'), ['code_reload']);
  assert.deepEqual(modules('io.format("x"), lists?.map, erlang["now"]()'), ['io', 'lists', 'erlang']);
  assert.deepEqual(modules('unknown.x'), []);
  assert.deepEqual(modules('x.lists.map'), []);
  assert.deepEqual(modules('"lists.map"'), []);
  assert.deepEqual(modules('lists'), []);
});

test('transformInput: syntax errors in Eshell\'s words, with line and column', () => {
  const message = (source) => {
    const result = transform(source);
    assert.equal(result.kind, 'syntax-error', JSON.stringify(result));
    return result.message;
  };
  assert.equal(message('foo(1))'), "1:7: syntax error before: ')'");
  assert.equal(message('(]'), "1:2: syntax error before: ']'");
  assert.equal(message('foo(.'), "1:5: syntax error before: '.'");
  assert.equal(message('foo('), '1:5: syntax error before: end of input');
  assert.equal(message('Pid !.'), "1:6: syntax error before: '.'");
  assert.equal(message('foo(Pid !)'), "1:10: syntax error before: ')'");
  assert.equal(message('X = .'), "1:5: syntax error before: '.'");
  assert.equal(message('x = 1,\n  y)'), "2:4: syntax error before: ')'");
  assert.equal(message("X = 'abc"), "1:5: unterminated string starting with 'abc'");
  assert.equal(message('`abc'), '1:1: unterminated template literal');
  assert.equal(message('a /* b'), '1:3: unterminated comment');
  assert.equal(message('x \u0001'), '1:3: illegal character');
  assert.equal(message('('.repeat(1000)), '1:201: expression nested too deeply');
});

test('transformInput: two forms on one line are refused; splitForms separates them', () => {
  assert.equal(transform('1. 2.').message, '1:4: syntax error before: 2.');
  assert.deepEqual(splitForms('1. 2.'), ['1.', ' 2.']);
  assert.deepEqual(splitForms('X = 1. Y = X + 1.'), ['X = 1.', ' Y = X + 1.']);
  assert.deepEqual(splitForms('X = 1.  // c'), ['X = 1.  // c']);
  assert.deepEqual(splitForms('a\n  .b()'), ['a\n  .b()']);
  assert.deepEqual(splitForms('foo(1. 2)'), ['foo(1. 2)']);
  assert.deepEqual(splitForms('x = y ? 1. : 2'), ['x = y ? 1. : 2']);
  assert.deepEqual(splitForms('a. b'), ['a.', ' b']);
  for (const form of splitForms('X = 1. Y = X + 1. Y * 2.')) assert.equal(transform(form).kind, 'code');
});

test('transformInput: the generated code runs against an __eshell object', () => {
  const run = (source) => {
    const sent = [];
    const sandbox = {
      sent,
      __eshell: {
        v: (name) => ({ variable: name }),
        wildcard: { wildcard: true },
        rest: (pattern) => ({ rest: pattern }),
        match(pattern, value) {
          bind(pattern, value, sandbox);
          return value;
        },
        send(pid, message) {
          sent.push([pid, message]);
          return message;
        },
        mod: (name) => ({ add: (a, b) => a + b, name: () => name }),
      },
      __eshell_wait__: (value) => value,
    };
    const result = transform(source);
    assert.equal(result.kind, 'code');
    const js = transformSync(result.code, { loader: 'ts' }).code;
    const value = vm.runInNewContext(js, sandbox);
    return { value, sandbox };
  };
  const sequence = run('X = 1, Y = X + 1.');
  assert.equal(sequence.value, 2);
  assert.equal(sequence.sandbox.Y, 2);
  const destructured = run("['ok', [H, ...T]] = ['ok', [1, 2, 3]], H + T.length.");
  assert.equal(destructured.value, 3);
  const remote = run('N = calc:add(1, 2), P = 7, P ! [N, calc:name()].');
  // values from the sandbox's realm: compare their JSON
  assert.equal(JSON.stringify(remote.value), '[3,"calc"]');
  assert.equal(JSON.stringify(remote.sandbox.sent), '[[7,[3,"calc"]]]');
});

/** A tiny stand-in for the evaluator's matcher: binds every variable it meets. */
function bind(pattern, value, scope) {
  if (pattern && typeof pattern === 'object' && 'variable' in pattern) scope[pattern.variable] = value;
  else if (Array.isArray(pattern)) {
    pattern.forEach((element, index) => {
      if (element && typeof element === 'object' && 'rest' in element) bind(element.rest, value.slice(index), scope);
      else bind(element, value[index], scope);
    });
  } else if (pattern && typeof pattern === 'object' && !('wildcard' in pattern)) {
    for (const key of Object.keys(pattern)) bind(pattern[key], value[key], scope);
  }
}

/** The rewritten code is still valid TypeScript. */
function assertParses(result) {
  const code = result.usesAwait ? `(async () => {\n${result.code}\n})` : result.code;
  assert.doesNotThrow(() => transformSync(code, { loader: 'ts' }), code);
}
