// The version eshell-ts reports: in the banner, for --version, and as BREAK's (v)ersion answer.
// Read from package.json, so that a release bump changes every place at once.

import fs from 'node:fs';
import path from 'node:path';

/** The version in package.json (`distDir`, the directory of the bundles, sits next to it). */
export function packageVersion(distDir: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(distDir, '..', 'package.json'), 'utf8'));
    return String(pkg.version);
  } catch {
    return 'unknown';
  }
}

/** `Eshell-TS V0.1.0 (Node v20.20.2)`: the banner starts with it, BREAK's (v) prints it. */
export function versionLine(distDir: string): string {
  return `Eshell-TS V${packageVersion(distDir)} (Node ${process.version})`;
}
