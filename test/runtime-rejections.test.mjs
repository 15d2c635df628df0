// Unhandled promise rejections are charged to the process that created the promise. Run in a
// fresh node: the test runner has its own unhandledRejection handler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const bundle = new URL('../dist/internal.js', import.meta.url).href;

function run(body) {
  const source = `import * as rt from ${JSON.stringify(bundle)};
const output = [];
rt.setOutputSink((text) => output.push(text));
rt.installRejectionTracking();
${body}`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 20_000 });
  return JSON.parse(out.trim().split('\n').pop());
}

test('a rejection nobody handles ends the process that created the promise', () => {
  const result = run(`
rt.spawn(async () => {
  const [, ref] = rt.spawn_monitor(() => {
    Promise.reject('forgotten rejection'); // nobody awaits it
    return rt.receive([['never'], () => 1]);
  });
  const reason = await rt.receive([['DOWN', ref, 'process', rt._, rt._], (m) => m[4]]);
  console.log(JSON.stringify({ reason, output: output.join('') }));
});
`);
  assert.deepEqual(result.reason, [['nocatch', 'forgotten rejection'], []]);
  assert.match(result.output, /Error in process <0\.\d+\.0> with exit value:\n.*forgotten rejection/);
});

test('a rejection from outside any process is printed as an error report', () => {
  const result = run(`
Promise.reject(new Error('nobody owns this'));
setTimeout(() => console.log(JSON.stringify({ output: output.join('') })), 20);
`);
  assert.match(result.output, /=ERROR REPORT==== .* ===\nUnhandled promise rejection outside any process:\nError: nobody owns this/);
});
