// The left side of Eshell's `Pattern = Expr`, written in the shell's TypeScript notation:
// a variable (`ServerPid`), or an array / object literal of variables, `_`, literals and
// nested patterns (`['ok', Pid]`, `{ name: N, age: 42 }`, `[H, ...T]`).
//
// The pattern becomes a JavaScript value the evaluator matches against: variables become
// `__eshell.v("Name")` markers (the evaluator binds or compares — bound-ness is its call),
// `_` becomes `__eshell.wildcard`, a trailing `...Rest` becomes `__eshell.rest(<pattern>)`,
// literals and lowercase names (values already in scope) stay as written.

import { splitSegments, type Range } from './segments.js';
import { isGroup, isPropertyKey, isPunct, tokenOf, type GroupItem, type Item } from './tree.js';
import { RESERVED_WORDS, isVariableName } from './vocabulary.js';

export interface PatternContext {
  source: string;
  isVariable(name: string): boolean;
}

interface PatternCode {
  code: string;
  /** variables, wildcards and literals: what makes it an Eshell pattern rather than a
   *  JavaScript destructuring assignment (`[a, b] = [b, a]` has none) */
  markers: number;
}

const VALUE_WORDS = new Set(['true', 'false', 'null', 'this']);

function variableMarker(name: string): string {
  return `__eshell.v(${JSON.stringify(name)})`;
}

/** The pattern in items[from, to), or null when it is not an Eshell pattern. */
export function emitPattern(items: readonly Item[], from: number, to: number, context: PatternContext): string | null {
  if (to - from !== 1) return null;
  const item = items[from]!;
  const token = tokenOf(item);
  if (token) {
    // A bare name is a match only when it is a shell variable: `x = 1` is JavaScript.
    return token.kind === 'identifier' && isVariableName(token.text) && context.isVariable(token.text)
      ? variableMarker(token.text)
      : null;
  }
  if (!isGroup(item, '[') && !isGroup(item, '{')) return null;
  const pattern = patternOfItem(item, context);
  return pattern && pattern.markers > 0 ? pattern.code : null;
}

function patternOfItem(item: Item, context: PatternContext): PatternCode | null {
  const token = tokenOf(item);
  if (token) {
    switch (token.kind) {
      case 'identifier':
        if (token.text === '_') return { code: '__eshell.wildcard', markers: 1 };
        if (isVariableName(token.text) && context.isVariable(token.text)) {
          return { code: variableMarker(token.text), markers: 1 };
        }
        if (VALUE_WORDS.has(token.text)) return { code: token.text, markers: 1 };
        return RESERVED_WORDS.has(token.text) ? null : { code: token.text, markers: 0 };
      case 'number':
      case 'string':
        return { code: token.text, markers: 1 };
      case 'template':
        return token.templatePart === 'full' ? { code: token.text, markers: 1 } : null;
      default:
        return null;
    }
  }
  if (isGroup(item, '[')) return arrayPattern(item, context);
  if (isGroup(item, '{')) return objectPattern(item, context);
  return null;
}

function arrayPattern(group: GroupItem, context: PatternContext): PatternCode | null {
  const elements = splitSegments(group.items, 0, group.items.length);
  let markers = 0;
  const codes: string[] = [];
  for (let e = 0; e < elements.length; e++) {
    const [from, to] = elements[e]!;
    if (from === to) {
      codes.push('');
      continue;
    }
    const isLast = e === elements.length - 1 || (e === elements.length - 2 && elements[e + 1]![0] === elements[e + 1]![1]);
    let element: PatternCode | null;
    if (isPunct(group.items[from], '...')) {
      const rest = isLast && to - from === 2 ? patternOfItem(group.items[from + 1]!, context) : null;
      element = rest && { code: `__eshell.rest(${rest.code})`, markers: rest.markers + 1 };
    } else {
      element = elementPattern(group.items, from, to, context);
    }
    if (!element) return null;
    markers += element.markers;
    codes.push(element.code);
  }
  return { code: rebuild(group, elements, codes, context.source), markers };
}

function objectPattern(group: GroupItem, context: PatternContext): PatternCode | null {
  const entries = splitSegments(group.items, 0, group.items.length);
  let markers = 0;
  const codes: string[] = [];
  for (const [from, to] of entries) {
    if (from === to) {
      codes.push('');
      continue;
    }
    const key = group.items[from]!;
    const keyToken = tokenOf(key);
    if (to - from === 1) {
      // `{ Name }` binds the variable Name to the property Name.
      if (keyToken?.kind !== 'identifier' || !isVariableName(keyToken.text) || !context.isVariable(keyToken.text)) return null;
      markers++;
      codes.push(`${keyToken.text}: ${variableMarker(keyToken.text)}`);
      continue;
    }
    if (!isPropertyKey(key) || !isPunct(group.items[from + 1], ':')) return null;
    const value = elementPattern(group.items, from + 2, to, context);
    if (!value) return null;
    markers += value.markers;
    const keyText = context.source.slice(key.start, group.items[from + 1]!.end);
    const gap = context.source.slice(group.items[from + 1]!.end, group.items[from + 2]!.start);
    codes.push(keyText + gap + value.code);
  }
  return { code: rebuild(group, entries, codes, context.source), markers };
}

/** One element: a nested pattern, a negative number, or a dotted name (a value in scope). */
function elementPattern(items: readonly Item[], from: number, to: number, context: PatternContext): PatternCode | null {
  if (to - from === 1) return patternOfItem(items[from]!, context);
  const first = tokenOf(items[from]);
  const second = tokenOf(items[from + 1]);
  if (to - from === 2 && first?.kind === 'punctuator' && (first.text === '-' || first.text === '+') && second?.kind === 'number') {
    return { code: context.source.slice(items[from]!.start, items[to - 1]!.end), markers: 1 };
  }
  // `Mod.CONSTANT`, `config.port`: alternating names and dots
  for (let k = from; k < to; k++) {
    const token = tokenOf(items[k]);
    const expected = (k - from) % 2 === 0 ? token?.kind === 'identifier' : isPunct(items[k], '.');
    if (!expected) return null;
  }
  if ((to - from) % 2 === 0) return null;
  return { code: context.source.slice(items[from]!.start, items[to - 1]!.end), markers: 0 };
}

/** The group's text with each element replaced, separators and spacing kept. */
function rebuild(group: GroupItem, ranges: readonly Range[], codes: string[], source: string): string {
  let out = group.open.text;
  let cursor = group.open.end;
  ranges.forEach(([from, to], index) => {
    if (from === to) return;
    out += source.slice(cursor, group.items[from]!.start) + codes[index];
    cursor = group.items[to - 1]!.end;
  });
  return out + source.slice(cursor, group.close.end);
}
