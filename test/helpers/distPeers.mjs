// Nodes for the distribution tests, all on 127.0.0.1: eshell-ts and erl shells driven through
// piped standard input (as `erl < file` runs), each with its own HOME, every one of a test's
// nodes sharing a private epmd port (ERL_EPMD_PORT) so no test meets another's nodes. Every
// process started here is killed after the test, and the epmd they started with it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { lookup } from 'node:dns/promises';
import path from 'node:path';
import { BIN, ROOT } from './pty.mjs';
import { shellEnv } from './env.mjs';

export { ROOT };

const SHORT_HOST = os.hostname().split('.')[0];
const shortHostIsLoopback = await lookup(SHORT_HOST).then(({ address }) => /^127\.|^::1$/.test(address), () => false);

/**
 * Nodes are named as erl names `-sname` nodes (the short host name) when that name is this
 * machine's loopback address; otherwise they are `-name name@127.0.0.1`: the tests only ever
 * talk to 127.0.0.1.
 */
export const HOST = shortHostIsLoopback ? SHORT_HOST : '127.0.0.1';
export const NAME_FLAG = shortHostIsLoopback ? '-sname' : '-name';

/** An atom as erl prints it: quoted unless it is a plain name (`pong@vm`, `'pong@127.0.0.1'`). */
export function erlAtom(text) {
  return /^[a-z][A-Za-z0-9_@]*$/.test(text) ? text : `'${text}'`;
}

/** The command-line arguments that name a node `name` (see HOST). */
export function nameArgs(name) {
  return NAME_FLAG === '-sname' ? ['-sname', name] : ['-name', `${name}@${HOST}`];
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition()` is truthy (polled), or fails with `what` after `ms`. */
export async function waitUntil(condition, what, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * A cluster for one test: `cluster.eshell(name, opts)`, `cluster.erl(name, opts)`. Node
 * options: cookie ('demo'), args, env, noEpmd (PATH without epmd: the node serves EPMD
 * itself). With `epmd` (the default) the cluster runs Erlang's epmd on its port first, as a
 * child it can stop; without, nobody does until a node comes up.
 */
export async function startCluster(t, { epmd = true } = {}) {
  const epmdPort = await freePort();
  const nodes = [];
  const homes = [];
  let daemon;
  if (epmd) {
    daemon = spawn('epmd', ['-port', String(epmdPort)], { stdio: 'ignore' });
    daemon.on('error', () => {});
    await waitUntil(() => new Promise((resolve) => {
      const probe = net.connect({ host: '127.0.0.1', port: epmdPort });
      probe.once('connect', () => (probe.destroy(), resolve(true)));
      probe.once('error', () => resolve(false));
    }), 'epmd to listen', 5000);
  }
  const cluster = {
    epmdPort,
    nodes,
    async eshell(name, { cookie = 'demo', args = [], env = {}, noEpmd = false } = {}) {
      const cookieArgs = cookie === null ? [] : ['-setcookie', cookie];
      const nodeEnv = this.env(env, noEpmd);
      const node = new ShellNode(process.execPath, [BIN, ...(name === null ? [] : nameArgs(name)), ...cookieArgs, ...args], nodeEnv, `${name}@${HOST}`);
      node.home = nodeEnv.HOME;
      nodes.push(node);
      await node.ready();
      return node;
    },
    async erl(name, { cookie = 'demo', args = [], env = {} } = {}) {
      const node = new ShellNode('erl', [...nameArgs(name), '-setcookie', cookie, ...args], this.env(env, false), `${name}@${HOST}`);
      nodes.push(node);
      await node.ready();
      return node;
    },
    env(extra, noEpmd) {
      const home = mkdtempSync(path.join(os.tmpdir(), 'eshell-ts-dist-'));
      homes.push(home);
      const env = shellEnv({ ERL_EPMD_PORT: String(epmdPort), NO_COLOR: '1', ESHELL_TS_HISTORY: '/dev/null', ...extra }, { home });
      if (noEpmd) env.PATH = home; // no epmd to start: the first node serves the protocol itself
      return env;
    },
  };
  t.after(async () => {
    for (const node of nodes) node.kill();
    await Promise.all(nodes.map((node) => node.exited));
    daemon?.kill('SIGKILL');
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  });
  return cluster;
}

/** Flushes `node`'s shell until what it printed matches `pattern`; everything flushed meanwhile. */
export async function flushUntil(node, pattern, what) {
  let seen = '';
  await waitUntil(async () => {
    seen += `${await node.eval('flush()')}\n`;
    return pattern.test(seen);
  }, `${node.name}: ${what}\n${seen}`);
  return seen;
}

/** What a shell printed, with the lines it wrapped a long term over joined again. */
export const unwrapped = async (printed) => (await printed).replace(/\n\s*/g, '');

let marks = 0;

/** A shell (eshell-ts or erl) reading forms from a pipe; `output` is everything it printed. */
export class ShellNode {
  constructor(command, args, env, nodeName) {
    this.name = nodeName;
    this.output = '';
    this.proc = spawn(command, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stderr.setEncoding('utf8');
    this.proc.stdout.on('data', (text) => (this.output += text));
    this.proc.stderr.on('data', (text) => (this.output += text));
    this.proc.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve(signal ?? code)));
  }

  /** Resolves once the node answers (its distribution is up before the first evaluation). */
  async ready() {
    const answer = await this.eval("'started'");
    if (!answer.includes('started')) throw new Error(`${this.name} did not start:\n${this.output}`);
  }

  /** Evaluates one form (without the full stop) and resolves with what it printed. */
  async eval(form, ms = 15000) {
    const mark = `mark_${++marks}`;
    const from = this.output.length;
    this.proc.stdin.write(`${form}.\n'${mark}'.\n`);
    await waitUntil(() => this.output.indexOf(mark, from) >= 0 || this.proc.exitCode !== null, `${this.name}: ${form}\n${this.output.slice(from)}`, ms);
    const text = this.output.slice(from, this.output.indexOf(mark, from));
    return text.replace(/\([^)]*\)\d+> /g, '').replace(/^\d+> /gm, '').trim().replace(/\n?'?$/, '');
  }

  /** Waits until the output (from `since`) contains `text` or matches a RegExp. */
  waitFor(pattern, ms = 15000, since = 0) {
    const test = () => {
      const rest = this.output.slice(since);
      return typeof pattern === 'string' ? rest.includes(pattern) : pattern.test(rest);
    };
    return waitUntil(test, `${this.name} to print ${pattern}\n--- output:\n${this.output}`, ms);
  }

  kill(signal = 'SIGKILL') {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
  }
}
