// The release handler's job in miniature, for the shell's `upgrade(kv)`: suspend every
// gen_server whose callback module is kv, load kv as c(kv) does, convert each server's
// state with the new code_change, and resume them. A server whose code_change fails keeps
// its old state (and runs on), as with OTP's sys:change_code; the answer names it.
import { spawn } from '../runtime/spawn';
import type { Pid } from '../runtime/pid';
import { codeServer } from '../code/codeServer';
import { isFailure } from '../code/failure';
import { serversRunning } from './genServer';
import { sys } from './sys';

export type UpgradeResult = ['ok', Pid[]] | ['error', unknown];

/**
 * Upgrades `module` under its running servers. `oldVsn` given to code_change is the old
 * version's exported `vsn` if it has one, else its version number (1, 2, ...).
 */
export function upgradeModule(module: string, extra: unknown = []): Promise<UpgradeResult> {
  return new Promise((resolve, reject) => {
    // A process of its own: it waits for each server's answer, as the release handler does.
    spawn(async () => {
      try {
        resolve(await upgradeIn(module, extra));
      } catch (error) {
        reject(error);
      }
    });
  });
}

async function upgradeIn(module: string, extra: unknown): Promise<UpgradeResult> {
  const servers = serversRunning(module);
  const before = codeServer.current(module);
  const oldVsn = before === undefined ? undefined : (before.exports.vsn as unknown) ?? before.version;
  const suspended: Pid[] = [];
  try {
    for (const pid of servers) {
      await sys.suspend(pid);
      suspended.push(pid);
    }
    const loaded = await codeServer.compileAndLoad(module);
    if (isFailure(loaded)) return codeServer.reportFailure(loaded);
    const failures: [Pid, unknown][] = [];
    for (const pid of suspended) {
      const answer = await sys.change_code(pid, module, oldVsn, extra);
      if (answer !== 'ok') failures.push([pid, answer]);
    }
    return failures.length === 0 ? ['ok', suspended] : ['error', ['code_change_failed', failures]];
  } finally {
    for (const pid of suspended) {
      try {
        await sys.resume(pid);
      } catch {
        // A server that ended meanwhile has nothing to resume.
      }
    }
  }
}
