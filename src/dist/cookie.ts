// The magic cookie: `-setcookie C`, else ~/.erlang.cookie as erl reads it (the first line),
// created when missing with 20 random capital letters and mode 0400. Like erl, a cookie file
// others can read is refused: the cookie is the only protection a node has.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomInt } from 'node:crypto';

export function cookieFile(home = process.env.HOME || os.homedir()): string {
  return path.join(home, '.erlang.cookie');
}

/** The cookie from the file, creating the file first when it does not exist. */
export function readOrCreateCookie(file = cookieFile()): string {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    stat = undefined;
  }
  if (stat === undefined) {
    let cookie = '';
    for (let i = 0; i < 20; i++) cookie += String.fromCharCode(65 + randomInt(26));
    fs.writeFileSync(file, cookie, { mode: 0o400, flag: 'wx' });
    return cookie;
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new Error(`Cookie file ${file} must be accessible by owner only`);
  }
  const cookie = fs.readFileSync(file, 'latin1').split(/\r?\n/)[0]!.trim();
  if (cookie === '') throw new Error(`Cookie file ${file} is empty`);
  return cookie;
}
