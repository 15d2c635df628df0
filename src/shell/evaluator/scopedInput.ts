// Input that declares names, or uses names its job declared, is rewritten so that those names
// are the job's own (see jobScope.ts):
//   const x = f()             __eshell_scope_3["x"] = f(), then x made read-only
//   const [a, b] = p          [__eshell_scope_3["a"], __eshell_scope_3["b"]] = p
//   function g() { x }        function g() { __eshell_scope_3.x }  __eshell_scope_3.g = g
//   class P {}                class P {}  __eshell_scope_3.P = P
//   x = 2   (x a constant)    __eshell.constant().value = 2   (throws, as for a const)
// and `__eshell.declare("__eshell_scope_3", {x: "const", …})` runs first.
// Which uses of a name are the job's and which are a parameter or local of the same name is a
// question of scopes, answered by esbuild's `define` (it replaces only free uses of a name).
// So the input takes two esbuild passes: the first strips TypeScript and writes every
// statement out with its `;`, which the token scan of the declarations relies on; the second
// renames. Input that neither declares nor uses such names (most input) skips all of this.
//
// A function or class declared by the input stays a declaration, local to the function the
// input runs in (the evaluator's wrappers, or one added here), and is published on the job's
// object: its own name inside it and the input's other uses of it are the local binding.

import { transformAsync } from '../../code/compile';
import { HEAD_KEYWORDS, RESERVED_WORDS, VARIABLE_DECLARATION_WORDS, isMemberAccess } from '../forms/vocabulary';
import { tokenize, significantTokens, type Token } from '../forms/tokenizer';
import { depthChange } from '../forms/terminator';
import type { DeclarationKind } from './jobScope';

/** What the compiler needs to know of the job's declarations. */
export interface InputScope {
  readonly globalName: string;
  has(name: string): boolean;
  kindOf(name: string): DeclarationKind | undefined;
  /** A bound variable (`X = …`) of the job. */
  hasVariable(name: string): boolean;
}

export type ScopedInput =
  | {
      ok: true;
      code: string;
      /** Names the input declares, declared by the first statement of its script. */
      declarations: Record<string, DeclarationKind>;
      /** A function or class is declared: the input must run inside a function. */
      declaresLocals: boolean;
      /** The input ends with a declaration, whose value is undefined (as in the Node REPL). */
      endsWithDeclaration: boolean;
    }
  | { ok: false; failure: unknown };

const TYPESCRIPT_VALUE_WORDS = new Set(['enum', 'namespace', 'abstract']);

/** Words that are names in JavaScript but never a variable the job could own. */
const NOT_RENAMED = new Set(['arguments', 'eval', 'async', 'get', 'set', 'of', 'from', 'as', 'constructor', 'undefined']);

/** Whether `code` declares a name at its top level or uses one of `scope`'s names, or defines
 *  a function that may use one declared later. */
export function needsJobScope(code: string, scope: InputScope): boolean {
  const tokens = significantTokens(tokenize(code));
  if (topLevelDeclarations(tokens).length > 0) return true;
  const names = candidateNames(tokens);
  if (names.some((name) => scope.has(name))) return true;
  if (!definesFunction(tokens)) return false;
  // `(r) => setTimeout(r, 300)` needs nothing of the job: r is the arrow's own.
  const local = locallyBound(tokens);
  return names.some((name) => !local.has(name) && usedFromJob(name, scope));
}

/**
 * Names the input binds for itself: parameters (of functions, arrows, methods, catch) and
 * variables declared at any depth. Approximate (a parameter's default value counts as bound
 * too); it only decides whether the input is worth rewriting, never how.
 */
function locallyBound(tokens: readonly Token[]): Set<string> {
  const bound = new Set<string>();
  const opened: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind === 'identifier' && tokens[i + 1]?.text === '=>') bound.add(t.text);
    else if (t.kind === 'identifier' && VARIABLE_DECLARATION_WORDS.has(t.text)) {
      const names: BindingName[] = [];
      bindingTarget(tokens, i + 1, names);
      for (const name of names) bound.add(name.token.text);
    } else if (t.text === '(') opened.push(i);
    else if (t.text === ')') {
      const open = opened.pop();
      if (open === undefined) return;
      const before = tokens[open - 1];
      const next = tokens[i + 1];
      const parameters = next?.text === '=>' || before?.text === 'catch' ||
        (next?.text === '{' && before !== undefined && (before.kind === 'identifier' ? !HEAD_KEYWORDS.has(before.text) : before.text === '*'));
      if (!parameters) return;
      for (let j = open + 1; j < i; j++) if (tokens[j].kind === 'identifier') bound.add(tokens[j].text);
    }
  });
  return bound;
}

/** In a function, a name is the job's unless it is a global's: a variable of the job, or a
 *  name nothing defines now, which the job may declare later. */
function usedFromJob(name: string, scope: InputScope): boolean {
  return scope.hasVariable(name) || isUndefinedGlobal(name);
}

/** The two esbuild passes and the scan between them (see the top of the file). */
export async function scopeInput(code: string, scope: InputScope, loader: 'js' | 'ts', sourcefile: string): Promise<ScopedInput> {
  let normalized: string;
  try {
    normalized = (await transformAsync(code, { loader, sourcefile })).code;
  } catch (failure) {
    return { ok: false, failure };
  }
  const scanned = rewriteDeclarations(normalized, scope.globalName);
  const tokens = significantTokens(tokenize(scanned.code));
  const functions = definesFunction(tokens);
  const define: Record<string, string> = {};
  for (const name of candidateNames(tokens)) {
    const kind = scanned.declarations[name];
    const renamed = kind !== undefined
      ? kind !== 'function' && kind !== 'class'
      : scope.has(name) || (functions && usedFromJob(name, scope));
    if (renamed) define[name] = `${scope.globalName}.${name}`;
  }
  let renamed: string;
  try {
    renamed = Object.keys(define).length === 0 ? scanned.code : (await transformAsync(scanned.code, { loader: 'js', sourcefile, define })).code;
  } catch (failure) {
    return { ok: false, failure };
  }
  const isConstant = (name: string) => (scanned.declarations[name] ?? scope.kindOf(name)) === 'const';
  return { ok: true, ...scanned, code: refuseAssignmentsToConstants(renamed, scope.globalName, isConstant) };
}

const ASSIGNMENT_OPERATORS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=', '&&=', '||=', '??=']);

/**
 * `scope.x = …`, `scope.x += …`, `scope.x++`, `++scope.x`, `for (scope.x of …)` where x is a
 * constant: `__eshell.constant().value` in its place throws V8's TypeError for a const. The
 * declaration's own initialisers are written `scope["x"]`, so they are not taken for these.
 * (An assignment to a constant inside a destructuring pattern is not found: the property is
 * read-only, so it is left as it was, without an error.)
 */
function refuseAssignmentsToConstants(code: string, globalName: string, isConstant: (name: string) => boolean): string {
  const tokens = significantTokens(tokenize(code));
  const edits: Array<{ start: number; end: number }> = [];
  tokens.forEach((t, i) => {
    const name = tokens[i + 2];
    if (t.text !== globalName || tokens[i + 1]?.text !== '.' || name === undefined || !isConstant(name.text)) return;
    const after = tokens[i + 3];
    const before = tokens[i - 1];
    const written =
      (after !== undefined && (ASSIGNMENT_OPERATORS.has(after.text) || ((after.text === '++' || after.text === '--') && !after.newlineBefore))) ||
      before?.text === '++' || before?.text === '--' ||
      ((after?.text === 'of' || after?.text === 'in') && before?.text === '(' && tokens[i - 2]?.text === 'for');
    if (written) edits.push({ start: t.start, end: name.end });
  });
  let out = code;
  for (const edit of edits.reverse()) out = `${out.slice(0, edit.start)}__eshell.constant().value${out.slice(edit.end)}`;
  return out;
}

/** Identifiers that may be variables: not keywords, not properties, not the shell's own. */
function candidateNames(tokens: readonly Token[]): string[] {
  const names = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.kind !== 'identifier' || isMemberAccess(tokens[i - 1])) return;
    const name = token.text;
    if (RESERVED_WORDS.has(name) || NOT_RENAMED.has(name) || name.startsWith('__eshell')) return;
    names.add(name);
  });
  return [...names];
}

/** No global has this name now (the shell's lookup, so the bare-atom fallback answers no). */
function isUndefinedGlobal(name: string): boolean {
  return !(name in globalThis);
}

/** A function, arrow, class or method body: code that may run after a later input. */
function definesFunction(tokens: readonly Token[]): boolean {
  return tokens.some((t, i) =>
    (t.kind === 'identifier' && (t.text === 'function' || t.text === 'class')) ||
    (t.kind === 'punctuator' && (t.text === '=>' || (t.text === ')' && tokens[i + 1]?.text === '{'))));
}

interface Declaration {
  name: string;
  kind: DeclarationKind;
}

/** The names declared by the statements at the top level of `tokens`. */
function topLevelDeclarations(tokens: readonly Token[]): Declaration[] {
  const found: Declaration[] = [];
  walkTopLevelStatements(tokens, (i) => {
    const declaration = declarationAt(tokens, i);
    if (declaration) found.push(...declaration.names.map((name) => ({ name, kind: declaration.kind })));
    // TypeScript's enum and namespace become `var`s once compiled.
    else if (TYPESCRIPT_VALUE_WORDS.has(tokens[i].text) && tokens[i + 1]?.kind === 'identifier') found.push({ name: tokens[i + 1].text, kind: 'var' });
  });
  return found;
}

/**
 * Declarations become the job's, in esbuild's output (every statement ends with `;`):
 * `const a = 1, [b] = p;` → `;(a = 1, [b] = p);` (esbuild then renames a and b), a function
 * declared is published first thing (declarations are hoisted), a class after its body.
 */
function rewriteDeclarations(code: string, globalName: string): {
  code: string;
  declarations: Record<string, DeclarationKind>;
  declaresLocals: boolean;
  endsWithDeclaration: boolean;
} {
  const tokens = significantTokens(tokenize(code));
  const declarations: Record<string, DeclarationKind> = {};
  const edits: Array<{ at: number; end: number; text: string }> = [];
  let published = '';
  let lastDeclarationEnd = -1;
  walkTopLevelStatements(tokens, (i) => {
    const declaration = declarationAt(tokens, i);
    if (!declaration) return;
    for (const name of declaration.names) declarations[name] = declaration.kind;
    const name = declaration.names[0];
    if (declaration.kind === 'function') {
      published += `${globalName}.${name} = ${name}; `;
    } else if (declaration.kind === 'class') {
      edits.push({ at: declaration.end, end: declaration.end, text: ` ${globalName}.${name} = ${name};` });
    } else {
      const fix = declaration.kind === 'const' ? `, __eshell.fix(${JSON.stringify(globalName)}, ${JSON.stringify(declaration.names)})` : '';
      edits.push({ at: tokens[i].start, end: tokens[i + 1].start, text: ';(' }, { at: declaration.end, end: declaration.end, text: `${fix})` });
      for (const target of declaration.targets) {
        const member = `${globalName}[${JSON.stringify(target.token.text)}]`;
        edits.push({ at: target.token.start, end: target.token.end, text: target.shorthand ? `${target.token.text}: ${member}` : member });
      }
    }
    lastDeclarationEnd = declaration.end;
  });
  let rewritten = code;
  for (const edit of edits.sort((a, b) => b.at - a.at)) rewritten = rewritten.slice(0, edit.at) + edit.text + rewritten.slice(edit.end);
  const lastToken = [...tokens].reverse().find((t) => t.text !== ';');
  const kinds = Object.values(declarations);
  return {
    code: published + rewritten,
    declarations,
    declaresLocals: kinds.includes('function') || kinds.includes('class'),
    endsWithDeclaration: lastToken !== undefined && lastDeclarationEnd >= lastToken.end,
  };
}

/** Calls `visit` with the index of the first token of each statement at the top level. */
function walkTopLevelStatements(tokens: readonly Token[], visit: (i: number) => void): void {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const atTop = depth === 0;
    depth += depthChange(tokens[i]);
    if (atTop && tokens[i].kind === 'identifier' && startsStatement(tokens, i)) visit(i);
  }
}

function startsStatement(tokens: readonly Token[], i: number): boolean {
  const previous = tokens[i - 1];
  return previous === undefined || previous.text === ';' || previous.text === '}' || tokens[i].newlineBefore;
}

/**
 * The declaration starting at tokens[i], if one does: its kind, its names (a function's or
 * class's one name; every name bound by the declarators and their patterns) and where it ends
 * (before its `;`, or after a function's or class's body).
 */
interface BindingName {
  token: Token;
  /** `{a}` in an object pattern: the key is the name. */
  shorthand: boolean;
}

function declarationAt(tokens: readonly Token[], i: number): { kind: DeclarationKind; names: string[]; targets: BindingName[]; end: number } | undefined {
  const word = tokens[i].text;
  const next = tokens[i + 1];
  if (VARIABLE_DECLARATION_WORDS.has(word) && next !== undefined && (next.kind === 'identifier' || next.text === '[' || next.text === '{')) {
    if (word === 'let' && next.kind === 'identifier' && RESERVED_WORDS.has(next.text) && next.text !== 'yield' && next.text !== 'await') return undefined;
    const targets: BindingName[] = [];
    let j = i + 1;
    for (;;) {
      j = bindingTarget(tokens, j, targets);
      if (tokens[j]?.text === '=') j = skipExpression(tokens, j + 1);
      if (tokens[j]?.text !== ',') break;
      j++;
    }
    const end = tokens[j]?.text === ';' ? tokens[j].start : tokens[Math.min(j, tokens.length) - 1].end;
    return { kind: word as DeclarationKind, names: targets.map((target) => target.token.text), targets, end };
  }
  let j = i;
  if (word === 'async' && next?.text === 'function') j++;
  if (tokens[j].text === 'function' || (word === 'class' && j === i)) {
    const kind: DeclarationKind = tokens[j].text === 'function' ? 'function' : 'class';
    j++;
    if (tokens[j]?.text === '*') j++;
    const name = tokens[j];
    if (name?.kind !== 'identifier' || (kind === 'class' && name.text === 'extends')) return undefined;
    const end = bodyEnd(tokens, j);
    return end === undefined ? undefined : { kind, names: [name.text], targets: [], end };
  }
  return undefined;
}

/** Collects the names a binding target binds (a name, or an array or object pattern). */
function bindingTarget(tokens: readonly Token[], j: number, names: BindingName[]): number {
  const t = tokens[j];
  if (t === undefined) return j;
  if (t.kind === 'identifier') {
    names.push({ token: t, shorthand: false });
    return j + 1;
  }
  if (t.text !== '[' && t.text !== '{') return j;
  const close = t.text === '[' ? ']' : '}';
  j++;
  while (j < tokens.length && tokens[j].text !== close) {
    if (tokens[j].text === ',') {
      j++;
      continue;
    }
    if (tokens[j].text === '...') {
      j = bindingTarget(tokens, j + 1, names);
    } else if (close === '}') {
      const key = tokens[j];
      j = key.text === '[' ? skipBalanced(tokens, j) : j + 1;
      if (tokens[j]?.text === ':') j = bindingTarget(tokens, j + 1, names);
      else if (key.kind === 'identifier') names.push({ token: key, shorthand: true });
    } else {
      j = bindingTarget(tokens, j, names);
    }
    if (tokens[j]?.text === '=') j = skipExpression(tokens, j + 1);
    if (tokens[j] !== undefined && tokens[j].text !== ',' && tokens[j].text !== close) return j; // not a pattern
  }
  return j + 1;
}

/** The index of the `,` or `;` ending the expression from `j` at its depth, or of the bracket
 *  closing the one it is in. */
function skipExpression(tokens: readonly Token[], j: number): number {
  let depth = 0;
  for (; j < tokens.length; j++) {
    const t = tokens[j];
    if (depth === 0 && (t.text === ',' || t.text === ';')) return j;
    depth += depthChange(t);
    if (depth < 0) return j;
  }
  return j;
}

/** The index after the bracket group opened at tokens[j]. */
function skipBalanced(tokens: readonly Token[], j: number): number {
  let depth = 0;
  for (; j < tokens.length; j++) {
    depth += depthChange(tokens[j]);
    if (depth === 0) return j + 1;
  }
  return j;
}

/** The end of the body `{…}` of the function or class whose name is tokens[from]. */
function bodyEnd(tokens: readonly Token[], from: number): number | undefined {
  let depth = 0;
  let entered = false;
  for (let j = from; j < tokens.length; j++) {
    if (depth === 0 && tokens[j].text === '{') entered = true;
    depth += depthChange(tokens[j]);
    if (entered && depth === 0) return tokens[j].end;
  }
  return undefined;
}
