// A reply to a fresh ref is found behind any number of older messages without looking at them
// (BEAM's receive marker), and selective receive still sees every message it should: the mark
// follows messages taken out before it, flush() and demonitor(ref, ['flush']) reset it, and a
// receive that does not name the ref scans the whole mailbox as always.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, receive, send, self, erlang, monitor, demonitor, after, _, takeAllMessages, lookupProcess } from '../dist/internal.js';
import { inProcess } from './helpers/runtime.mjs';

/** Messages the runtime compared against a pattern while `body` ran in a process. */
function counting(pattern) {
  let looked = 0;
  const guard = (value) => {
    looked++;
    return pattern(value);
  };
  return { guard, looked: () => looked };
}

test('the reply to a fresh ref is taken without looking at the 10,000 messages before it', async () => {
  const noise = 10_000;
  const result = await inProcess(async () => {
    const me = self();
    // the same shape as the reply, so that only the ref tells them apart
    for (let k = 0; k < noise; k++) send(me, ['noise', k, 'x']);
    const ref = erlang.make_ref();
    const server = spawn(() => receive([[_, _], ([from, r]) => send(from, ['reply', r, 'pong'])]));
    send(server, [me, ref]);
    // the guard comes before the ref in the pattern: every message looked at calls it
    const seen = counting((tag) => tag === 'reply');
    const reply = await receive([[seen.guard, ref, _], ([, , answer]) => answer]);
    // the noise is all still there, in order, for whoever wants it
    const first = await receive([['noise', _, _], ([, k]) => k]);
    return { reply, looked: seen.looked(), first };
  });
  assert.equal(result.reply, 'pong');
  assert.equal(result.looked, 1, 'the receive looked only at the reply, not at the older messages');
  assert.equal(result.first, 0);
});

test('a receive that does not name the ref still scans the whole mailbox', async () => {
  const found = await inProcess(async () => {
    const me = self();
    send(me, ['old', 1]);
    const ref = erlang.make_ref();
    send(me, [ref, 'new']);
    // the pattern names no ref: the message older than the ref must be found first
    return receive([[_, _], (m) => m]);
  });
  assert.deepEqual(found, ['old', 1]);
});

test('a clause without the ref makes the whole receive scan from the start', async () => {
  const found = await inProcess(async () => {
    const me = self();
    send(me, 'early');
    const ref = erlang.make_ref();
    return receive([[ref, _], () => 'reply'], ['early', () => 'early']);
  });
  assert.equal(found, 'early');
});

test('taking older messages out moves the mark with the messages, never past the reply', async () => {
  const got = await inProcess(async () => {
    const me = self();
    send(me, 'a');
    send(me, 'b');
    const ref = erlang.make_ref();
    send(me, [ref, 'first reply']);
    send(me, [ref, 'second reply']);
    // take the two older messages out (positions 0 and 1), then both replies
    const older = [await receive(['b', () => 'b']), await receive(['a', () => 'a'])];
    const replies = [await receive([[ref, _], ([, r]) => r]), await receive([[ref, _], ([, r]) => r])];
    return [...older, ...replies];
  });
  assert.deepEqual(got, ['b', 'a', 'first reply', 'second reply']);
});

test("monitor's ref: the DOWN is found behind older messages; demonitor flush keeps the rest", async () => {
  const got = await inProcess(async () => {
    const me = self();
    for (let k = 0; k < 100; k++) send(me, ['noise', k]);
    const target = spawn(() => receive(['stop', () => 'done']));
    const ref = monitor('process', target);
    send(target, 'stop');
    const reason = await receive([['DOWN', ref, 'process', _, _], ([, , , , r]) => r]);
    const ref2 = erlang.make_ref();
    send(me, [ref2, 'x']);
    const other = spawn(() => 'quick');
    const ref3 = monitor('process', other);
    await receive(after(20, () => 'ok'));
    demonitor(ref3, ['flush']);
    const x = await receive([[ref2, _], ([, v]) => v], after(100, () => 'lost'));
    const noise = await receive([['noise', _], ([, k]) => k]);
    return { reason, x, noise };
  });
  assert.deepEqual(got, { reason: 'normal', x: 'x', noise: 0 });
});

test('after taking every message out (flush), a reply to an older ref is still found', async () => {
  const got = await inProcess(async () => {
    const me = self();
    for (let k = 0; k < 5; k++) send(me, k);
    const ref = erlang.make_ref();
    const taken = takeAllMessages(lookupProcess(me));
    send(me, [ref, 'after flush']);
    const reply = await receive([[ref, _], ([, r]) => r], after(100, () => 'lost'));
    return { taken: taken.length, reply };
  });
  assert.deepEqual(got, { taken: 5, reply: 'after flush' });
});
