// The observer layer's entry: one server per shell, started by `observer()` (or
// `eshell-ts --observer`) and ended by `observer.stop()`. Loaded on first use only: nothing
// here is on the path to the first prompt.
import path from 'node:path';
import { ObserverServer } from './server';
import { rt, useRuntime, type ObserverRuntime } from './observerRuntime';

let running: ObserverServer | undefined;
let starting: Promise<ObserverServer> | undefined;

/** Starts the observer (or finds the running one) and returns its URL, token included. */
export async function startObserver(
  runtime: ObserverRuntime,
  { pageDir = __dirname, idleStopMs }: { pageDir?: string; idleStopMs?: number } = {},
): Promise<string> {
  useRuntime(runtime);
  if (running !== undefined) return running.url;
  starting ??= (async () => {
    const server = new ObserverServer(path.resolve(pageDir), () => void stopIdle(server), idleStopMs);
    await server.listen();
    return server;
  })();
  try {
    running = await starting;
  } finally {
    starting = undefined;
  }
  return running.url;
}

async function stopIdle(server: ObserverServer): Promise<void> {
  if (running !== server) return;
  await stopObserver();
  rt().writeOutput('Observer stopped: its page was closed (observer() starts a new one)\n');
}

/** Ends the observer; false when none was running. */
export async function stopObserver(): Promise<boolean> {
  const server = running ?? (starting === undefined ? undefined : await starting);
  running = undefined;
  if (server === undefined) return false;
  await server.close();
  return true;
}
