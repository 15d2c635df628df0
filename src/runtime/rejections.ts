// Promise rejections nobody handled, attributed to the process that created the promise: that
// process exits with the rejection as its reason, as if the code had thrown. A rejection from
// outside any process is printed as an error report.
import { promiseHooks } from 'node:v8';
import { ErlangException } from './errors';
import { die } from './exits';
import { type Process, EXITED } from './process';
import { reportError } from './crashReport';
import { currentProcess } from './scheduler';

let installed = false;

export function installRejectionTracking(): void {
  if (installed) return;
  installed = true;
  const creators = new WeakMap<Promise<unknown>, Process>();
  promiseHooks.onInit((promise) => {
    const creator = currentProcess();
    if (creator !== undefined) creators.set(promise, creator);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const creator = creators.get(promise);
    if (creator === undefined) {
      reportError('Unhandled promise rejection outside any process:', reason);
    } else if (creator.state !== EXITED) {
      die(creator, reason);
    } else if (!(reason instanceof ErlangException && reason.kind === 'exit')) {
      // Code an exited process left running (after an await) failed: still worth seeing.
      reportError(`Unhandled promise rejection in exited process ${creator.pid}:`, reason);
    }
  });
}
