// Erlang keeps at most two versions of a module; so must we. Reloading a module a thousand
// times, with a process upgrading through its handle each time, must not keep the old
// versions alive. Runs in a child node with --expose-gc so the heap can be measured exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const internal = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'internal.js');

const child = `
const { mkdtempSync, writeFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const rt = require(${JSON.stringify(internal)});
rt.setOutputSink(() => {});
const dir = mkdtempSync(path.join(os.tmpdir(), 'eshell-code-memory-'));
rt.initCodePath({ cwd: dir });
const source = (v) => \`import { receive, moduleHandle, _ } from 'eshell-ts';
const M = moduleHandle<any>('churn');
const payload = new Array(2000).fill(\${v});   // each version holds some memory of its own
export function loop(n: number) {
  return receive([_, () => M.loop(n + payload.length * 0 + 1)]);
}\`;
const settle = () => new Promise((r) => setImmediate(r));
(async () => {
  writeFileSync(path.join(dir, 'churn.ts'), source(0));
  await rt.shellCommands.c('churn');
  const pid = rt.spawn(rt.moduleHandle('churn'), 'loop', [0]);
  const reload = async (v) => {
    writeFileSync(path.join(dir, 'churn.ts'), source(v));
    await rt.shellCommands.c('churn');
    rt.send(pid, 'tick');
    await settle();
  };
  for (let v = 1; v <= 100; v++) await reload(v);
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  for (let v = 101; v <= 1100; v++) await reload(v);
  gc(); gc();
  const after = process.memoryUsage().heapUsed;
  const alive = rt.is_process_alive(pid);
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ growth: after - before, alive, version: rt.codeServer.current('churn').version }));
})();
`;

test('1,000 reloads keep memory flat (old versions are garbage collected)', () => {
  const output = execFileSync(process.execPath, ['--expose-gc', '-e', child], { encoding: 'utf8', timeout: 60_000 });
  const { growth, alive, version } = JSON.parse(output);
  assert.equal(version, 1101);
  assert.equal(alive, true, 'the process upgraded through its handle every time');
  assert.ok(growth < 20 * 1024 * 1024, `heap grew by ${(growth / 1048576).toFixed(1)} MB over 1,000 reloads`);
});
