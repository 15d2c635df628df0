// The linkmon lesson (modules/linkmon.ts) typed at the real prompt in a pseudo-terminal, as the
// README walks through it, against erl running LYSE's linkmon.erl with the same steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openShell as shell, enter } from './helpers/prompt.mjs';

test('linkmon: links spread a death, trap_exit makes it a message, monitors, a restarter', { timeout: 30000 }, async (t) => {
  const sh = await shell(t, { cols: 120 });
  assert.deepEqual(await enter(sh, 'c(linkmon).', 2), ["['ok', 'linkmon']"]);
  // erl: 1> link(spawn(linkmon, chain, [3])).
  //      true
  //      ** exception error: "chain dies here"
  //      2>
  const mark = await enter(sh, "link(spawn(linkmon, 'chain', [3])).");
  await sh.waitFor('true\r\n3> ', { since: mark });
  await sh.waitForScreen((lines) => lines.slice(-3).join('|') === "true|** exception error: 'chain dies here'|3>", { timeout: 6000 });
  // erl: 2> process_flag(trap_exit, true).
  //      false
  //      3> spawn_link(fun linkmon:myproc/0).
  //      <0.91.0>
  //      4> erlang:monitor(process, spawn(fun() -> timer:sleep(500) end)).
  //      #Ref<0.3936221228.3271294978.178377>
  assert.deepEqual(await enter(sh, "process_flag('trap_exit', true).", 4), ['false']);
  const [myproc] = await enter(sh, "P = spawn_link(linkmon, 'myproc').", 5);
  assert.match(myproc, /^<0\.\d+\.0>$/);
  const [ref] = await enter(sh, "erlang:monitor('process', spawn(() => timer.sleep(500))).", 6);
  assert.match(ref, /^#Ref<[\d.]+>$/);
  // erl: 5> linkmon:start_critic2().
  //      <0.95.0>
  //      6> linkmon:judge2("Johnny Crash", "The Token Ring of Fire").
  //      "Simply incredible."
  //      7> exit(whereis(critic), kill).
  //      true
  //      8> linkmon:judge2("Johnny Crash", "The Token Ring of Fire").
  //      "Simply incredible."
  assert.match((await enter(sh, 'linkmon:start_critic2().', 7))[0], /^<0\.\d+\.0>$/);
  assert.deepEqual(await enter(sh, "linkmon:judge2('Johnny Crash', 'The Token Ring of Fire').", 8), ["'Simply incredible.'"]);
  const [first] = await enter(sh, 'C = whereis(\'critic\').', 9);
  assert.deepEqual(await enter(sh, "exit(C, 'kill').", 10), ['true']);
  assert.deepEqual(await enter(sh, "linkmon:judge2('Johnny Crash', 'The Token Ring of Fire').", 11), ["'Simply incredible.'"]);
  assert.notEqual((await enter(sh, "whereis('critic').", 12))[0], first, 'a new critic took the name');
  // The unnamed critic is gone for good once killed: its clients time out.
  await enter(sh, 'Cr = linkmon:start_critic().', 13);
  assert.deepEqual(await enter(sh, "linkmon:judge(Cr, 'Genesis', 'The Lambda Lies Down on Broadway').", 14), ["'They are terrible!'"]);
  await enter(sh, "exit(Cr, 'solar_storm').", 15);
  assert.deepEqual(await enter(sh, "linkmon:judge(Cr, 'Genesis', 'A trick of the Tail Recursion').", 16), ["'timeout'"]);
  // A monitor watches without a link: the watcher gets a 'DOWN' message.
  assert.match((await enter(sh, 'linkmon:watch().', 17))[0], /^\['down', <0\.\d+\.0>, 'normal'\]$/);
  // erl: 9> flush().
  //      Shell got {'DOWN',#Ref<...>,process,<0.93.0>,normal}
  //      Shell got {'EXIT',<0.91.0>,reason}
  //      ok
  assert.deepEqual(await enter(sh, "receive([['EXIT', P, _], ([, , reason]) => reason], after(5000, () => 'no exit')).", 18), ["'reason'"]);
  const flushed = await enter(sh, 'flush().', 19);
  assert.match(flushed[0], /^Shell got \['DOWN', #Ref<[\d.]+>, 'process', <0\.\d+\.0>, 'normal'\]$/);
  assert.equal(flushed.at(-1), "'ok'");
});
