// What the distribution benchmarks share: a private cluster on 127.0.0.1 (its own epmd port,
// a temporary HOME with the cookie), node processes started and killed with it, and the
// protocol between a benchmark and its node processes (a server prints `ready`; a client
// prints one JSON line and exits).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The host part erl gives -sname nodes. */
export const HOST = os.hostname().split('.')[0];

/** True when `erl` runs here; otherwise the benchmark prints its skip line. */
export function erlAvailable() {
  try {
    execFileSync('erl', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs `body(cluster)` with a private epmd and cookie; every process it started is killed after. */
export async function withCluster(cookie, body) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-distbench-'));
  writeFileSync(path.join(home, '.erlang.cookie'), cookie, { mode: 0o400 });
  const epmdPort = await freePort();
  const env = { ...process.env, HOME: home, ERL_EPMD_PORT: String(epmdPort) };
  const children = [];
  const start = (command, args) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    return child;
  };
  const cluster = {
    start,
    /** `erl -noshell -sname name` evaluating `expression`. */
    erl: (name, expression) => start('erl', ['-noshell', '-sname', name, '-setcookie', cookie, '-eval', expression]),
    /** A Node process running `script` with `args`. */
    node: (script, ...args) => start(process.execPath, [script, ...args]),
    /** Resolves when the server process prints `ready`. */
    ready: (child) => new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
    }),
    /** The last JSON line the client process prints before it exits. */
    result: (child) => new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.once('exit', () => {
        const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
        line ? resolve(JSON.parse(line)) : reject(new Error(`no result: ${out}`));
      });
    }),
  };
  try {
    children.push(spawn('epmd', ['-port', String(epmdPort)], { env, stdio: 'ignore' }));
    await new Promise((r) => setTimeout(r, 300));
    return await body(cluster);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  }
}
