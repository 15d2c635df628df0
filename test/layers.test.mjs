// The layers of src/ point one way. A layer may import its own files and the layers below it,
// never one above; the few exceptions and the cycles between folders that exist are listed,
// with their reasons, in docs/DESIGN.md ("Layers"), and this test reads them from there: a new
// upward import or a new cycle fails until it is either removed or written down and explained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/pty.mjs';

/**
 * Lowest first. src/index.ts, the public API that modules import, gathers the layers below it
 * (behaviours and nodes included); the observer and the shell are built over it.
 */
const LAYERS = ['runtime', 'io', 'code', 'dist', 'otp', 'index', 'observer', 'shell', 'internal'];

const SRC = path.join(ROOT, 'src');

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** src-relative path without extension: 'runtime/scheduler', 'index'. */
const key = (file) => path.relative(SRC, file).replace(/\.tsx?$/, '').split(path.sep).join('/');

function layerOf(fileKey) {
  const top = fileKey.split('/')[0];
  const layer = LAYERS.indexOf(top);
  if (layer === -1) throw new Error(`src/${fileKey}: not in a known layer (${LAYERS.join(', ')})`);
  return layer;
}

/** Every relative import and re-export of a file, type-only ones included, as src keys. */
function importsOf(file, known) {
  const text = readFileSync(file, 'utf8');
  const found = new Set();
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]|\brequire\(\s*['"](\.[^'"]+)['"]\s*\)|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
    const spec = match[1] ?? match[2] ?? match[3];
    const target = key(path.resolve(path.dirname(file), spec)).replace(/\.(js|mjs|cjs)$/, '');
    if (known.has(target)) found.add(target);
    else if (known.has(`${target}/index`)) found.add(`${target}/index`);
  }
  return [...found];
}

/** The lines of DESIGN.md's "Layers" section that list `a -> b` pairs or cycles `a -> b -> a`. */
function listedInDesign() {
  const design = readFileSync(path.join(ROOT, 'docs', 'DESIGN.md'), 'utf8');
  const section = design.split(/\n## /).find((s) => s.startsWith('Layers'));
  assert.ok(section, 'docs/DESIGN.md has a "## Layers" section');
  const upward = new Set();
  const cycles = new Set();
  for (const [, chain] of section.matchAll(/^- `([^`]+)`/gm)) {
    const parts = chain.split('->').map((s) => s.trim());
    if (parts.length > 2 && parts[0] === parts.at(-1)) cycles.add(canonicalCycle(parts.slice(0, -1)));
    else if (parts.length === 2) upward.add(`${parts[0]} -> ${parts[1]}`);
  }
  return { upward, cycles };
}

/** A cycle written from its smallest member, so the same cycle always reads the same. */
function canonicalCycle(members) {
  const start = members.indexOf([...members].sort()[0]);
  return [...members.slice(start), ...members.slice(0, start), members[start]].join(' -> ');
}

const files = sourceFiles(SRC);
const known = new Set(files.map(key));
const graph = new Map(files.map((file) => [key(file), importsOf(file, known)]));

test('no layer imports a layer above it, except as docs/DESIGN.md lists', () => {
  const { upward } = listedInDesign();
  const found = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (layerOf(to) > layerOf(from) && !upward.has(`${from} -> ${to}`)) found.push(`${from} -> ${to}`);
    }
  }
  assert.deepEqual(found, [], `imports pointing up a layer:\n${found.join('\n')}`);
});

/** The folder a file belongs to ('shell/evaluator', 'runtime'); the top-level files stand alone. */
const unitOf = (fileKey) => (fileKey.includes('/') ? fileKey.slice(0, fileKey.lastIndexOf('/')) : fileKey);

test('every import cycle between folders of src/ is one docs/DESIGN.md lists', () => {
  // Files inside one folder may call each other back and forth (the scheduler and exits do);
  // between folders a cycle means two parts that cannot be understood or changed apart.
  const { cycles } = listedInDesign();
  const units = new Map();
  for (const [from, targets] of graph) {
    const edges = units.get(unitOf(from)) ?? new Set();
    for (const to of targets) if (unitOf(to) !== unitOf(from)) edges.add(unitOf(to));
    units.set(unitOf(from), edges);
  }
  const found = new Set();
  // the shortest cycle back to each folder, by breadth-first search
  for (const start of units.keys()) {
    const previous = new Map([[start, null]]);
    const queue = [start];
    let closing = null;
    while (queue.length && closing === null) {
      const v = queue.shift();
      for (const w of units.get(v) ?? []) {
        if (w === start) { closing = v; break; }
        if (!previous.has(w)) { previous.set(w, v); queue.push(w); }
      }
    }
    if (closing === null) continue;
    const chain = [];
    for (let v = closing; v !== null; v = previous.get(v)) chain.unshift(v);
    found.add(canonicalCycle(chain));
  }
  const unlisted = [...found].filter((c) => !cycles.has(c));
  assert.deepEqual(unlisted, [], `import cycles between folders not listed in docs/DESIGN.md:\n${unlisted.join('\n')}`);
});
