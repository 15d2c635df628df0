// Faults, nothing exposed: the shell, its threads and its compiler listen on no port, and
// modules load only from the shell's directory, the code path and paths the user names.
// (The history file's 0600 mode: see faults-endings and faults-garbage.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, startShell } from './helpers/pty.mjs';
import { tempDir } from './helpers/tempDir.mjs';
import { shellEnv } from './helpers/env.mjs';

/** Socket inodes some process of the tree rooted at `pid` holds open. */
function socketInodes(pid) {
  const inodes = new Set();
  const visit = (p) => {
    for (const fd of fs.readdirSync(`/proc/${p}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${p}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
    for (const task of fs.readdirSync(`/proc/${p}/task`)) {
      const children = fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(/\s+/) : []) visit(child);
    }
  };
  visit(pid);
  return inodes;
}

/** Inodes of sockets listening (TCP) or bound (UDP) on any address. */
function networkInodes() {
  const inodes = new Set();
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
    let text;
    try {
      text = fs.readFileSync(`/proc/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9) inodes.add(fields[9]);
    }
  }
  return inodes;
}

test('a running shell, its threads and its compiler hold no network socket', { skip: process.platform !== 'linux' && 'reads /proc', timeout: 20000 }, async (t) => {
  const dir = tempDir(t, 'eshell-ts-net-');
  fs.writeFileSync(path.join(dir, 'hello.ts'), "export function hi() { return 'hi'; }\n");
  const sh = startShell({ t, cwd: dir, env: { NO_COLOR: '1' } });
  await sh.waitFor('1> ');
  await sh.type('c(hello), hello:hi().\r');
  await sh.waitFor("'hi'", { timeout: 10000 });
  const held = socketInodes(sh.proc.pid);
  const network = networkInodes();
  assert.deepEqual([...held].filter((inode) => network.has(inode)), []);
});

test('modules load from the shell\'s directory, the code path and named paths only', { timeout: 20000 }, async (t) => {
  const root = tempDir(t, 'eshell-ts-path-');
  const here = path.join(root, 'here');
  const elsewhere = path.join(root, 'elsewhere');
  fs.mkdirSync(here);
  fs.mkdirSync(elsewhere);
  fs.writeFileSync(path.join(elsewhere, 'hidden.ts'), "export function where() { return 'elsewhere'; }\n");
  const run = (args, input) => spawnSync(process.execPath, [BIN, ...args], {
    input, cwd: here, encoding: 'utf8', timeout: 15000, env: shellEnv({ NO_COLOR: '1' }, { home: root }),
  });
  const unseen = run([], 'c(hidden).\nhidden:where().\n');
  assert.equal(unseen.status, 0, unseen.stderr);
  assert.doesNotMatch(unseen.stdout, /'elsewhere'|\['ok', 'hidden'\]/);
  const named = run([], 'c("../elsewhere/hidden.ts").\nhidden:where().\n');
  assert.match(named.stdout, /\['ok', 'hidden'\]\n2> 'elsewhere'\n/);
  const onPath = run(['-pa', elsewhere], 'hidden:where().\n');
  assert.match(onPath.stdout, /1> 'elsewhere'\n/);
});
