// What a shell job declared at its prompt (`const`, `let`, `var`, `function`, `class`): each job
// owns its declarations, as each Erlang or IEx evaluator owns its bindings. They live as the
// properties of one object per job, reached by a global of its own (`__eshell_scope_3`), and
// the input compiler rewrites every use of such a name into a property access on that object
// (`x` → `__eshell_scope_3.x`). So a function declared in job 1 keeps reading job 1's names
// when it runs later, from a process it spawned, whichever job the terminal is connected to;
// and a property access keeps the function as fast as one using globals (a `with` statement
// or a context per job cost 20 to 90 times more per name, or broke `instanceof`).
//
// A name the job has not declared (yet) falls through to the object's prototype: a global of
// that name if there is one now, else the bare atom (lower case) or a ReferenceError, as the
// prompt answers for a name nothing defines. That makes a name used in a function before it
// is declared (`function loop() { handle(m) }`, then `function handle(m) {…}`) work.

import { isAtomName } from './bareAtoms';

export type DeclarationKind = 'const' | 'let' | 'var' | 'function' | 'class';

const scopesByGlobal = new Map<string, JobScope>();
let nextScope = 1;

/** Where a name the job has not declared is looked up (see above). */
const undeclared = new Proxy(Object.create(null) as object, {
  get(_target, key) {
    if (typeof key !== 'string') return undefined;
    if (key in globalThis) return (globalThis as Record<string, unknown>)[key];
    if (isAtomName(key)) return key;
    throw new ReferenceError(`${key} is not defined`);
  },
});

/** A `const`: initialised once by its declaration, read-only afterwards, unreadable before. */
interface Constant {
  value: unknown;
  initialised: boolean;
}

export class JobScope {
  /** The global through which compiled input reaches this job's names. */
  readonly globalName = `__eshell_scope_${nextScope++}`;
  private readonly names = Object.create(undeclared) as Record<string, unknown>;
  private readonly kinds = new Map<string, DeclarationKind>();
  private readonly constants = new Map<string, Constant>();

  constructor() {
    Object.defineProperty(globalThis, this.globalName, { value: this.names, configurable: true, writable: false, enumerable: false });
    scopesByGlobal.set(this.globalName, this);
  }

  has(name: string): boolean {
    return this.kinds.has(name);
  }

  declaredNames(): string[] {
    return [...this.kinds.keys()];
  }

  /**
   * Runs first in an input that declares names: all are checked before any is made, as V8
   * checks a script's declarations before running it. `let`, `const` and `class` cannot
   * declare a name twice (the Node REPL's rule); `var` and `function` may redeclare theirs.
   */
  declare(declarations: Readonly<Record<string, DeclarationKind>>): void {
    for (const [name, kind] of Object.entries(declarations)) {
      const previous = this.kinds.get(name);
      if (previous !== undefined && (isLexical(kind) || isLexical(previous))) {
        throw new SyntaxError(`Identifier '${name}' has already been declared`);
      }
    }
    for (const [name, kind] of Object.entries(declarations)) {
      if (this.kinds.has(name)) continue;
      this.kinds.set(name, kind);
      if (kind === 'const') this.defineConstant(name);
      else Object.defineProperty(this.names, name, { value: undefined, writable: true, configurable: true, enumerable: true });
    }
  }

  /** Drops names (those declared by an input that failed, as Eshell drops its bindings). */
  forget(names: Iterable<string>): void {
    for (const name of names) {
      if (!this.kinds.delete(name)) continue;
      this.constants.delete(name);
      delete this.names[name];
    }
  }

  /** A declared name's value without running anything (for completion); undefined if none. */
  peek(name: string): { value: unknown } | undefined {
    if (!this.kinds.has(name)) return undefined;
    const constant = this.constants.get(name);
    if (constant) return constant.initialised ? { value: constant.value } : undefined;
    const descriptor = Object.getOwnPropertyDescriptor(this.names, name);
    return descriptor && 'value' in descriptor ? { value: descriptor.value } : undefined;
  }

  private defineConstant(name: string): void {
    const constant: Constant = { value: undefined, initialised: false };
    this.constants.set(name, constant);
    Object.defineProperty(this.names, name, {
      get() {
        if (!constant.initialised) throw new ReferenceError(`Cannot access '${name}' before initialization`);
        return constant.value;
      },
      set(value: unknown) {
        if (constant.initialised) throw new TypeError('Assignment to constant variable.');
        constant.value = value;
        constant.initialised = true;
      },
      configurable: true,
      enumerable: true,
    });
  }
}

function isLexical(kind: DeclarationKind): boolean {
  return kind === 'const' || kind === 'let' || kind === 'class';
}

/** `__eshell.declare(…)`, the first statement of an input that declares names. */
export function declareInScope(globalName: string, declarations: Readonly<Record<string, DeclarationKind>>): void {
  const scope = scopesByGlobal.get(globalName);
  if (!scope) throw new Error(`no shell job scope ${globalName}`);
  scope.declare(declarations);
}

const SCOPE_ACCESS = /\(0 ?, ?__eshell_scope_\d+\.([\w$]+)\)|\b__eshell_scope_\d+\./g;

/** A message about `__eshell_scope_3.f` (`… is not a function`) speaks of `f`, as typed. */
export function withoutScopeNames(text: string): string {
  return text.replace(SCOPE_ACCESS, (_match, called: string | undefined) => called ?? '');
}
