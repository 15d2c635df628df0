// The observer's server without a browser: what it accepts and refuses, the literal notation
// typed on the page, the update stream, 10,000 processes grouped, and the server stopping once
// its page is gone. In-process, on the internal bundle's runtime; and, in a piped shell, that
// the observer is loaded only when asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';
import { ROOT } from './helpers/pty.mjs';
import { output, sleep } from './helpers/runtime.mjs';
import { runPiped } from './helpers/piped.mjs';

const require = createRequire(import.meta.url);
const I = require('../dist/internal.js');
const { startObserver, stopObserver } = require('../dist/observer.js');

const pageDir = path.join(ROOT, 'dist');
const never = () => I.receive([['never-sent'], () => 'ok']);

async function observe(t, options = {}) {
  const url = new URL(await startObserver(I.observerRuntime(), { pageDir, ...options }));
  t.after(() => stopObserver());
  const token = url.searchParams.get('token');
  const at = (pathname, query = {}) => {
    const u = new URL(pathname, url.origin);
    u.searchParams.set('token', token);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u.href;
  };
  const act = async (body) => (await fetch(at('/api/action'), { method: 'POST', body: JSON.stringify(body) })).json();
  return { url, token, at, act };
}

/** Opens the update stream as a page does; resolves with the first update satisfying `until`. */
function stream(href, until = () => true) {
  return new Promise((resolve, reject) => {
    const request = http.get(href, (response) => {
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith('data: ')) continue;
          const update = JSON.parse(event.slice(6));
          if (until(update)) {
            resolve({ update, close: () => request.destroy() });
            return;
          }
        }
      });
    });
    request.on('error', reject);
  });
}

test('a message typed in the shell notation arrives as that value', async (t) => {
  const { act } = await observe(t);
  const target = I.spawn(never);
  const other = I.spawn(never);
  const text = `['hello', 42, -1.5e3, ${other}, pid(0, ${other.id}, 0), { a: 'x', 'b c': [10n, true, null, undefined] }, "it's", 'tab\\there'].`;
  const reply = await act({ action: 'send', pid: String(target), message: text });
  assert.equal(reply.ok, true, reply.error);
  assert.match(reply.text, /^sent \['hello', 42, -1500, /);
  const [message] = I.process_info(target).messages;
  assert.equal(message[0], 'hello');
  assert.equal(message[2], -1500);
  assert.ok(I.isPid(message[3]) && message[3].equals(other));
  assert.ok(message[4].equals(other));
  assert.deepEqual(message[5], { a: 'x', 'b c': [10n, true, null, undefined] });
  assert.equal(message[6], "it's");
  assert.equal(message[7], 'tab\there');
});

test('a message that does not parse is refused with the reason, and nothing is sent', async (t) => {
  const { act } = await observe(t);
  const target = I.spawn(never);
  const cases = [
    ["['ok', 1", /does not parse: syntax error before: the end of the input/],
    ['[1 2]', /syntax error before: '2]'/],
    ['ServerPid', /ServerPid is not a value: the page takes literals only/],
    ['self()', /self is not a value/],
    ['', /nothing to parse/],
    ['<0.x.0>', /expected a pid such as <0.3.0>/],
    ["'unterminated", /expected the closing '/],
  ];
  for (const [message, error] of cases) {
    const reply = await act({ action: 'send', pid: String(target), message });
    assert.equal(reply.ok, false, message);
    assert.match(reply.error, error, message);
  }
  assert.equal(I.process_info(target).message_queue_len, 0);
});

test('exit and kill act on the process; on a dead pid they say it has exited', async (t) => {
  const { act } = await observe(t);
  const a = I.spawn(never);
  assert.deepEqual(await act({ action: 'exit', pid: String(a), reason: "'normal'" }), { ok: true, text: `sent exit signal 'normal' to ${a}` });
  assert.equal(I.is_process_alive(a), true, "'normal' does not end a process that is not trapping exits");
  assert.equal((await act({ action: 'exit', pid: String(a), reason: "'shutdown'" })).ok, true);
  assert.equal(I.is_process_alive(a), false);
  assert.deepEqual(await act({ action: 'kill', pid: String(a) }), { ok: false, error: `no process ${a}: it has exited` });
  assert.deepEqual(await act({ action: 'send', pid: String(a), message: '1' }), { ok: false, error: `no process ${a}: it has exited` });
  const b = I.spawn(() => {
    I.process_flag('trap_exit', true);
    return never();
  });
  await sleep(20);
  assert.deepEqual(await act({ action: 'kill', pid: String(b) }), { ok: true, text: `killed ${b}` });
  assert.equal(I.is_process_alive(b), false, "'kill' cannot be trapped");
  assert.match((await act({ action: 'kill', pid: 'me' })).error, /"me" is not a pid such as <0.3.0>/);
  assert.match((await act({ action: 'explode', pid: String(a) })).error, /unknown action "explode"/);
});

test('requests without the token, from another host, or malformed are refused; no CORS', async (t) => {
  const { url, at } = await observe(t);
  for (const href of [`${url.origin}/`, `${url.origin}/?token=nope`, `${url.origin}/observer.js`, `${url.origin}/api/action`]) {
    const response = await fetch(href, { method: href.endsWith('action') ? 'POST' : 'GET' });
    assert.equal(response.status, 403, href);
  }
  const page = await fetch(at('/'), { headers: { Origin: 'http://evil.example' } });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('access-control-allow-origin'), null);
  assert.match(page.headers.get('content-security-policy'), /default-src 'none'; script-src 'self'/);
  assert.match(await page.text(), /<script src="\/observer.js\?token=/);
  assert.equal((await fetch(at('/observer.js'))).headers.get('content-type'), 'text/javascript; charset=utf-8');
  const rebound = await new Promise((resolve) => {
    http.get(at('/'), { headers: { Host: `evil.example:${url.port}` } }, (response) => resolve(response.statusCode));
  });
  assert.equal(rebound, 403);
  const notJson = await fetch(at('/api/action'), { method: 'POST', body: '{oops' });
  assert.equal(notJson.status, 400);
  assert.match(await notJson.text(), /not JSON/);
  assert.equal((await fetch(at('/api/action'))).status, 405);
  assert.equal((await fetch(at('/nothing'))).status, 404);
  assert.equal((await fetch(at('/', { }), { method: 'OPTIONS' })).headers.get('access-control-allow-origin'), null);
  const badView = await fetch(at('/api/view', { client: 'c1' }), { method: 'POST', body: JSON.stringify({ sort: 'evil', descending: false, filter: '', selected: null }) });
  assert.equal(badView.status, 400);
  assert.match(await badView.text(), /cannot sort by "evil"/);
  assert.equal((await fetch(at('/events'))).status, 400);
});

test('the stream sends the view a page asks for; 10,000 processes are grouped in the graph', async (t) => {
  const { at } = await observe(t);
  const many = [];
  for (let i = 0; i < 10000; i++) many.push(I.spawn(never));
  t.after(() => many.forEach((pid) => I.exit(pid, 'kill')));
  const named = I.spawn(never);
  I.register('observed_one', named);
  await fetch(at('/api/view', { client: 'big' }), {
    method: 'POST',
    body: JSON.stringify({ sort: 'name', descending: true, filter: 'observed', selected: String(named) }),
  });
  const { update, close } = await stream(at('/events', { client: 'big' }), (u) => u.total >= 10001);
  close();
  assert.equal(update.matching, 1);
  assert.deepEqual(update.rows.map((row) => row.name), ['observed_one']);
  assert.equal(update.detail.pid, String(named));
  assert.equal(update.detail.alive, true);
  assert.equal(update.graph.grouped, true);
  const group = update.graph.nodes.find((node) => node.count >= 10000);
  assert.ok(group, JSON.stringify(update.graph.nodes.map((n) => [n.label, n.count])));
  assert.ok(update.graph.nodes.length < 20);
  assert.ok(Array.isArray(update.series) && update.series.length >= 1);
});

test("an opened gen_server shows its state as sys:get_state gives it; a plain process has none", async (t) => {
  const { at } = await observe(t);
  // A callback module as a plain object: the state is what init and handle_call make of it.
  const counter = {
    init: (start) => ['ok', { count: start, lastFrom: 'nobody' }],
    handle_call: (request, [from], state) => ['reply', 'ok', { count: state.count + 1, lastFrom: from }],
  };
  const [, server] = await new Promise((resolve) => I.spawn(() => resolve(I.gen_server.start(counter, 41))));
  t.after(() => I.exit(server, 'kill'));
  await new Promise((resolve) => I.spawn(() => I.gen_server.call(server, 'bump').andThen(resolve)));
  await fetch(at('/api/view', { client: 'state' }), { method: 'POST', body: JSON.stringify({ sort: 'pid', descending: false, filter: '', selected: String(server) }) });
  const { update, close } = await stream(at('/events', { client: 'state' }), (u) => u.detail?.pid === String(server));
  close();
  assert.match(update.detail.state, /^\{ count: 42, lastFrom: <0\.\d+\.0> \}$/);
  const plain = I.spawn(never);
  t.after(() => I.exit(plain, 'kill'));
  await fetch(at('/api/view', { client: 'plain' }), { method: 'POST', body: JSON.stringify({ sort: 'pid', descending: false, filter: '', selected: String(plain) }) });
  const second = await stream(at('/events', { client: 'plain' }), (u) => u.detail?.pid === String(plain));
  second.close();
  assert.equal(second.update.detail.state, undefined);
});

test('while the node is not alive there are no node tabs; a view or an action naming a node that is not connected says so', async (t) => {
  const { at, act } = await observe(t);
  const target = I.spawn(never);
  t.after(() => I.exit(target, 'kill'));
  const alone = await stream(at('/events', { client: 'alone' }));
  alone.close();
  assert.deepEqual(alone.update.nodes, []);
  assert.equal(alone.update.remote, undefined);
  const view = (client, node) => fetch(at('/api/view', { client }), { method: 'POST', body: JSON.stringify({ node, sort: 'pid', descending: false, filter: '', selected: String(target) }) });
  const badNode = await view('n1', 5);
  assert.equal(badNode.status, 400);
  assert.match(await badNode.text(), /node must be a node name or null/);
  assert.equal((await view('gone', 'gone@nowhere')).status, 200);
  const gone = await stream(at('/events', { client: 'gone' }), (u) => u.remote !== undefined);
  gone.close();
  assert.equal(gone.update.remote.error, 'gone@nowhere is not connected');
  assert.deepEqual([gone.update.total, gone.update.detail], [0, null], "this node's processes are not shown as the other node's");
  assert.deepEqual(await act({ node: 'gone@nowhere', action: 'kill', pid: String(target) }), { ok: false, error: 'gone@nowhere is not connected' });
  assert.equal(I.is_process_alive(target), true);
  // This node's own name is its tab.
  await view('self', 'nonode@nohost');
  const self = await stream(at('/events', { client: 'self' }), (u) => u.detail !== null);
  self.close();
  assert.equal(self.update.remote, undefined);
  assert.equal(self.update.detail.pid, String(target));
});

test('closing the last page stops the server after the wait; observer.stop ends it at once', async (t) => {
  const { url, at } = await observe(t, { idleStopMs: 200 });
  const { close } = await stream(at('/events', { client: 'p' }));
  close();
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      await fetch(url);
      await sleep(50);
    } catch {
      break;
    }
  }
  await assert.rejects(fetch(url));
  assert.ok(output.join('').includes('Observer stopped: its page was closed'));
  const second = new URL(await startObserver(I.observerRuntime(), { pageDir }));
  assert.notEqual(second.search, url.search, 'a new start has a new token');
  assert.equal(await startObserver(I.observerRuntime(), { pageDir }), second.href, 'observer() again: the same server');
  assert.equal(await stopObserver(), true);
  await assert.rejects(fetch(second));
  assert.equal(await stopObserver(), false);
});

test('the shell loads the observer only when observer() is called', () => {
  const loaded = "Object.keys(require('node:module')._cache).filter((file) => file.endsWith(`dist${require('node:path').sep}observer.js`)).length.";
  const { stdout, status } = runPiped(`${loaded}\nobserver().\n${loaded}\nobserver.stop().\n`, { cwd: os.tmpdir() });
  assert.equal(status, 0, stdout);
  assert.match(stdout, /1> 0\n2> Observer running at http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  assert.match(stdout, /3> 1\n4> 'ok'/);
});
