// `eshell-ts --init`: what an editor needs so that a directory of modules type-checks there
// exactly as `c(mod)` checks it (src/code/typeCheckThread.ts): a tsconfig.json with the same
// compiler options, and modules/ with a first module. Nothing that exists is overwritten.
//
// How `import ... from 'eshell-ts'` resolves, wherever eshell-ts is installed: `paths` maps
// it to the sources of *this* running package (the types ship in src/), and `typeRoots` to
// the @types/node that package resolves. Node's own lookup from the user's directory would
// find nothing after a global install or under npx; `paths` works for all three. It is
// written relative to the directory when the package is inside it (a local install: the
// tsconfig stays valid in a checkout on another machine), absolute otherwise. Loaded lazily
// (dist/editor-setup.js): the shell's start never pays for it.

import fs from 'node:fs';
import path from 'node:path';

/** The package root: dist/ (where this bundle runs) sits in it. */
const PACKAGE_ROOT = path.resolve(__dirname, '..');

export const FIRST_MODULE = `// Your first module. In the shell: c(hello). then Pid = hello:start(). and
// Pid ! ['greet', 'world']. Edit the text below, c(hello) again (or start the shell with
// --watch), greet once more: the same process answers with the new code.
import { spawn, receive, io, moduleHandle, _, type Pid } from 'eshell-ts';

// Calls through M enter the newest loaded version of this module.
const M = moduleHandle<typeof import('./hello')>('hello');

/** Starts a greeter process. */
export function start(): Pid {
  return spawn(M, 'loop', [0]);
}

/** Greets whoever it is told to, and counts. */
export function loop(greeted: number) {
  return receive(
    [['greet', _], ([, name]) => {
      io.fwrite('Hello, ~s! (~b greeted so far)~n', [String(name), greeted + 1]);
      return M.loop(greeted + 1);
    }],
    ['stop', () => 'ok'],
  );
}
`;

/** Where a path is written in the tsconfig: relative inside `dir`, else absolute. */
function pathFrom(dir: string, target: string): string {
  const relative = path.relative(dir, target);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return target.split(path.sep).join('/');
  return `./${relative.split(path.sep).join('/')}`;
}

/** The directory holding @types/node as the package resolves it (hoisted or nested). */
function typeRootOfNode(): string | undefined {
  try {
    const pkg = require.resolve('@types/node/package.json', { paths: [PACKAGE_ROOT] });
    return path.dirname(path.dirname(pkg));
  } catch {
    return undefined;
  }
}

/** The tsconfig.json `--init` writes for `dir`. */
export function tsconfigFor(dir: string): string {
  const typeRoot = typeRootOfNode();
  const config = {
    // Written by `eshell-ts --init`: the options c(mod) type-checks with.
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      moduleDetection: 'force',
      allowImportingTsExtensions: true,
      allowJs: true,
      esModuleInterop: true,
      isolatedModules: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      types: ['node'],
      ...(typeRoot ? { typeRoots: [pathFrom(dir, typeRoot)] } : {}),
      paths: { 'eshell-ts': [pathFrom(dir, path.join(PACKAGE_ROOT, 'src', 'index.ts'))] },
    },
    include: ['*.ts', 'modules/**/*.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Writes what is missing in `dir`; returns the lines to print (written / kept). */
export function initEditorSetup(dir: string): string[] {
  const report: string[] = [];
  const writeIfMissing = (relative: string, text: () => string): void => {
    const file = path.join(dir, relative);
    if (fs.existsSync(file)) {
      report.push(`kept ${relative} (it exists; remove it and run --init again to replace it)`);
      return;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text(), { flag: 'wx' });
    report.push(`wrote ${relative}`);
  };
  writeIfMissing('tsconfig.json', () => tsconfigFor(dir));
  const modules = path.join(dir, 'modules');
  const hasModules = fs.existsSync(modules) && fs.readdirSync(modules).some((name) => /\.(ts|tsx|js|mjs)$/.test(name));
  if (hasModules) report.push('kept modules/ (it already holds modules)');
  else writeIfMissing(path.join('modules', 'hello.ts'), () => FIRST_MODULE);
  report.push(`'eshell-ts' resolves to ${path.join(PACKAGE_ROOT, 'src', 'index.ts')}`);
  return report;
}
