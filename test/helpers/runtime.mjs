// Shared by the runtime tests: they all use the internal bundle, so they share one runtime.
import { spawn, setOutputSink } from '../../dist/internal.js';

/** What processes printed (crash reports, io.format), instead of the terminal. */
export const output = [];
setOutputSink((text) => output.push(text));

/** Runs `body` as an async process; resolves with what it returns. */
export function inProcess(body) {
  return new Promise((resolve, reject) => {
    spawn(async () => {
      try {
        resolve(await body());
      } catch (error) {
        reject(error);
      }
    });
  });
}

export { sleep } from './env.mjs';
