// Types in the real shell (bin/eshell-ts with piped stdin): c/1 loads a module with a type error
// and warns a moment later, after the prompt is back; c(m, ['strict']) refuses it and the
// version already loaded keeps running.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { shellEnv } from './helpers/env.mjs';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'eshell-ts');
const dirs = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

/** A shell in a fresh directory; `send(line)` types a line, `waitFor(re)` waits for output. */
function startShell(t) {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'eshell-types-shell-')));
  dirs.push(dir);
  const child = spawn(process.execPath, [BIN], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], env: shellEnv({ NO_COLOR: '1' }, { home: dir }) });
  t.after(() => child.kill());
  let output = '';
  let waiter;
  const collect = (chunk) => {
    output += chunk;
    waiter?.();
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  return {
    dir,
    get output() { return output; },
    write: (name, source) => writeFileSync(path.join(dir, name), source),
    send: (line) => child.stdin.write(`${line}\n`),
    /** Resolves with the output once `pattern` matches it; fails the test after `ms`. */
    waitFor(pattern, ms = 10000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`)), ms);
        waiter = () => {
          if (!pattern.test(output)) return;
          clearTimeout(timer);
          waiter = undefined;
          resolve(output);
        };
        waiter();
      });
    },
  };
}

const VERSION = (value, type = 'number') =>
  `import { readFileSync } from 'node:fs';\nexport function version(): ${type} {\n  return ${JSON.stringify(value)};\n}\n`;

test('c/1 loads a module with a type error, then warns below the result', async (t) => {
  const sh = startShell(t);
  sh.write('m.ts', VERSION('two'));
  sh.send('c(m).');
  const shown = await sh.waitFor(/m\.ts:3:3: warning: Type 'string' is not assignable to type 'number'\. \(TS2322\)\n/);
  assert.match(shown, /1> \['ok', 'm'\]\n(2> )?m\.ts:3:3: warning: Type 'string' is not assignable to type 'number'\. \(TS2322\)\n {4}3 \| {3}return "two";\n {6}\| {3}\^~~~~~\n/);
  sh.send('m:version().');
  await sh.waitFor(/'two'\n/);
});

test('strict refuses a module with a type error, and the loaded version keeps running', async (t) => {
  const sh = startShell(t);
  sh.write('m.ts', VERSION(1));
  sh.send("c(m, ['strict']).");
  await sh.waitFor(/1> \['ok', 'm'\]\n/);
  sh.write('m.ts', VERSION('three'));
  sh.send("c(m, ['strict']).");
  // The reason lists each error's place and message (printed over several lines when long).
  const shown = await sh.waitFor(/\[\s*'error',\s*\[\s*\[\s*'m\.ts:3:3',\s*'Type \\'string\\' is not assignable to type \\'number\\'\. \(TS2322\)',?\s*\],?\s*\],?\s*\]\n/);
  assert.match(shown, /m\.ts:3:3: error: Type 'string' is not assignable to type 'number'\. \(TS2322\)\n/);
  sh.send('m:version().');
  await sh.waitFor(/3> 1\n/);
  assert.doesNotMatch(sh.output, /warning/);
});

test('a clean module, unused import included, loads without a word about types', async (t) => {
  const sh = startShell(t);
  sh.write('m.ts', VERSION(1));
  sh.send('c(m).');
  // A strict load waits for the checker, which answers in order: the background check of the
  // first load has been answered (and anything it had to say printed) before this returns.
  sh.send("c(m, ['strict']).");
  const shown = await sh.waitFor(/2> \['ok', 'm'\]\n/);
  assert.equal(shown.replace(/^.*\n/, ''), "1> ['ok', 'm']\n2> ['ok', 'm']\n");
});
