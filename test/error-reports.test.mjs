// Error reports and exit reasons by Erlang's rules, typed at the real prompt: a report for
// every process that ends by an uncaught error or throw, linked or not; none for exit(Reason)
// or a process killed by a signal. An error's exit reason is [reason, stack] (Erlang's
// {Reason, Stack}), a throw's [['nocatch', value], stack], and it reads as one clean term in
// a report, an 'EXIT' message and a 'DOWN' message. And purge kills processes running a fun of
// the old version. The erl 25 session each test mirrors is in its comment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openShell, enter } from './helpers/prompt.mjs';
import { tempDir } from './helpers/tempDir.mjs';

const shell = (t, options = {}) => openShell(t, { env: { NO_COLOR: '1' }, cols: 200, ...options });
const REPORT = /^=ERROR REPORT==== \d\d-[A-Z][a-z]{2}-\d{4}::\d\d:\d\d:\d\d\.\d{6} ===$/;

/** The lines of each error report in `lines`: [header, 'Error in process …', term lines…]. */
function reports(lines) {
  const found = [];
  lines.forEach((line, i) => {
    if (!REPORT.test(line)) return;
    const end = lines.indexOf('', i);
    found.push(lines.slice(i + 1, end));
  });
  return found;
}

const CRASHY = [
  "import { spawn, error } from 'eshell-ts';",
  '',
  'export function boom(x: number) {',
  '  return deeper(x);',
  '}',
  '',
  'function deeper(x: number) {',
  "  if (x > 0) error(['bad_value', x]);",
  '  return x;',
  '}',
  '',
  'export function start() {',
  '  return spawn(() => boom(1));',
  '}',
  '',
].join('\n');

test('a report for an error or a throw, linked or not; none for exit(r) or a kill', async (t) => {
  // 1> spawn(fun() -> error(x) end), timer:sleep(100).
  // =ERROR REPORT==== 29-Nov-2026::04:51:50.116405 ===
  // Error in process <0.83.0> with exit value:
  // {x,[{shell,apply_fun,3,[{file,"shell.erl"},{line,912}]}]}
  //
  // ok
  // 2> spawn(fun() -> throw(x) end), timer:sleep(100).
  // ... Error in process <0.86.0> with exit value:
  // {{nocatch,x},[{shell,apply_fun,3,[{file,"shell.erl"},{line,912}]}]}
  // 3> spawn(fun() -> exit(r) end), timer:sleep(100).
  // ok
  // 4> P = spawn(fun() -> receive _ -> ok end end), exit(P, kill), timer:sleep(100).
  // ok
  // 5> process_flag(trap_exit, true).
  // 6> spawn_link(fun() -> error(x) end), timer:sleep(100).
  // ... Error in process <0.95.0> with exit value: {x,[...]}
  // 7> flush().
  // Shell got {'EXIT',<0.95.0>,{x,[{shell,apply_fun,3,[{file,"shell.erl"},{line,912}]}]}}
  // 8> spawn_link(fun() -> exit(r) end), timer:sleep(100).
  // ok
  // 9> flush().
  // Shell got {'EXIT',<0.99.0>,r}
  // 10> spawn_monitor(fun() -> throw(t) end), timer:sleep(100).
  // ... Error in process <0.107.0> with exit value: {{nocatch,t},[...]}
  // 11> flush().
  // Shell got {'DOWN',#Ref<...>,process,<0.107.0>,{{nocatch,t},[{shell,apply_fun,3,...}]}}
  const sh = await shell(t);
  let printed = await enter(sh, "spawn(() => erlang.error('x')), timer.sleep(100).", 2);
  const [first] = reports(printed);
  assert.match(first[0], /^Error in process <0\.\d+\.0> with exit value:$/);
  assert.match(first[1], /^\['x', \[\['shell', '-fun-', 0, \[\['file', 'shell:\d+'\], \['line', 1\]\]\]\]\]$/);
  assert.equal(printed.at(-1), "'ok'");
  printed = await enter(sh, "spawn(() => { throw 'x'; }), timer.sleep(100).", 3);
  assert.deepEqual(reports(printed).map((r) => r.slice(1)), [["[['nocatch', 'x'], []]"]]);
  assert.deepEqual(await enter(sh, "spawn(() => exit('r')), timer.sleep(100).", 4), ["'ok'"]);
  assert.deepEqual(await enter(sh, "P = spawn(() => receive([_, () => 'ok'])), exit(P, 'kill'), timer.sleep(100).", 5), ["'ok'"]);
  await enter(sh, "process_flag('trap_exit', true).", 6);
  printed = await enter(sh, "spawn_link(() => erlang.error('x')), timer.sleep(100).", 7);
  assert.equal(reports(printed).length, 1, printed.join('\n'));
  assert.match(printed.join('\n'), /^Error in process <0\.\d+\.0> with exit value:$/m);
  let flushed = await enter(sh, 'flush().', 8);
  assert.match(flushed[0], /^Shell got \['EXIT', <0\.\d+\.0>, \['x', \[\['shell', '-fun-', 0, \[\['file', 'shell:\d+'\], \['line', 1\]\]\]\]\]\]$/);
  assert.equal(flushed[1], "'ok'");
  assert.deepEqual(await enter(sh, "spawn_link(() => exit('r')), timer.sleep(100).", 9), ["'ok'"]);
  flushed = await enter(sh, 'flush().', 10);
  assert.match(flushed[0], /^Shell got \['EXIT', <0\.\d+\.0>, 'r'\]$/);
  printed = await enter(sh, "spawn_monitor(() => { throw 't'; }), timer.sleep(100).", 11);
  assert.deepEqual(reports(printed).map((r) => r.slice(1)), [["[['nocatch', 't'], []]"]]);
  flushed = await enter(sh, 'flush().', 12);
  assert.match(flushed[0], /^Shell got \['DOWN', #Ref<[\d.]+>, 'process', <0\.\d+\.0>, \[\['nocatch', 't'\], \[\]\]\]$/);
});

test('an error in module code: its stack in the report, and Eshell\'s "in function" lines at the prompt', async (t) => {
  // 1> spawn_link(fun() -> crashy:boom(2) end), timer:sleep(100).
  // ** exception exit: {bad_value,2}
  //      in function  crashy:deeper/1 (crashy.erl, line 4)
  //      in call from crashy:boom/1 (crashy.erl, line 3)
  // =ERROR REPORT==== 29-Nov-2026::04:53:52.482766 ===
  // Error in process <0.83.0> with exit value:
  // {{bad_value,2},
  //  [{crashy,deeper,1,[{file,"crashy.erl"},{line,4}]},
  //   {crashy,boom,1,[{file,"crashy.erl"},{line,3}]}]}
  //
  // 2> crashy:boom(3).
  // ** exception error: {bad_value,3}
  //      in function  crashy:deeper/1 (crashy.erl, line 4)
  //      in call from crashy:boom/1 (crashy.erl, line 3)
  const dir = tempDir(t, 'eshell-ts-crashy-', { 'crashy.ts': CRASHY });
  const sh = await shell(t, { cwd: dir });
  await enter(sh, 'c(crashy).', 2);
  const printed = await enter(sh, 'spawn_link(() => crashy:boom(2)), timer.sleep(100).', 3);
  const [report] = reports(printed);
  assert.deepEqual(report.slice(1), [
    '[',
    "  ['bad_value', 2],",
    '  [',
    "    ['crashy', 'deeper', 1, [['file', 'crashy.ts'], ['line', 8]]],",
    "    ['crashy', 'boom', 1, [['file', 'crashy.ts'], ['line', 4]]],",
    "    ['shell', '-fun-', 0, [['file', 'shell:2'], ['line', 1]]],",
    '  ],',
    ']',
  ]);
  const exception = printed.indexOf("** exception exit: ['bad_value', 2]");
  assert.ok(exception > 0, printed.join('\n'));
  assert.deepEqual(printed.slice(exception + 1, exception + 3), [
    '     in function  crashy:deeper/1 (crashy.ts, line 8)',
    '     in call from crashy:boom/1 (crashy.ts, line 4)',
  ]);
  assert.deepEqual(await enter(sh, 'crashy:boom(3).', 4), [
    "** exception error: ['bad_value', 3]",
    '     in function  crashy:deeper/1 (crashy.ts, line 8)',
    '     in call from crashy:boom/1 (crashy.ts, line 4)',
  ]);
});

test('purge kills a process running a fun of the old version; soft_purge sees it', async (t) => {
  // funs.erl: start() -> spawn(fun() -> loop(0) end).  loop(N) -> receive _ -> loop(N + 1) end.
  // 1> c(funs).
  // {ok,funs}
  // 2> P = funs:start().
  // <0.88.0>
  // 3> c(funs).
  // {ok,funs}
  // 4> code:soft_purge(funs).
  // false
  // 5> is_process_alive(P).
  // true
  // 6> c(funs).
  // {ok,funs}
  // 7> is_process_alive(P).
  // false
  const dir = tempDir(t, 'eshell-ts-funs-', {
    'funs.ts': [
      "import { spawn, receive, _ } from 'eshell-ts';",
      '',
      'export function start() {',
      '  return spawn(() => loop(0));',
      '}',
      '',
      'function loop(n: number): unknown {',
      '  return receive([_, () => loop(n + 1)]);',
      '}',
      '',
    ].join('\n'),
  });
  const sh = await shell(t, { cwd: dir });
  assert.deepEqual(await enter(sh, 'c(funs).', 2), ["['ok', 'funs']"]);
  const [pid] = await enter(sh, 'P = funs:start().', 3);
  assert.deepEqual(await enter(sh, 'c(funs).', 4), ["['ok', 'funs']"]);
  assert.deepEqual(await enter(sh, 'code.soft_purge(funs).', 5), ['false']);
  assert.deepEqual(await enter(sh, 'is_process_alive(P).', 6), ['true']);
  assert.deepEqual(await enter(sh, 'c(funs).', 7), [`funs: killed ${pid}, it was still running old code`, "['ok', 'funs']"]);
  assert.deepEqual(await enter(sh, 'is_process_alive(P).', 8), ['false']);
  assert.deepEqual(await enter(sh, 'code.soft_purge(funs).', 9), ['true']);
});
