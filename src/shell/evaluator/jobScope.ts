// What a shell job declared at its prompt (`const`, `let`, `var`, `function`, `class`): each job
// owns its declarations, as each Erlang or IEx evaluator owns its bindings. They live as the
// properties of one object per job, reached by a global of its own (`__eshell_scope_3`), and
// the input compiler rewrites every use of such a name into a property access on that object
// (`x` → `__eshell_scope_3.x`). So a function declared in job 1 keeps reading job 1's names
// when it runs later, from a process it spawned, whichever job the terminal is connected to;
// and a property access keeps the function as fast as one using globals (a `with` statement
// or a context per job cost 20 to 90 times more per name, or broke `instanceof`).
//
// The job's bound variables are copied there too (bindings.ts), for the functions that use them.
//
// A name the job has not declared (yet) falls through to the object's prototype: a global of
// that name if there is one now, else the bare atom (lower case) or a ReferenceError, as the
// prompt answers for a name nothing defines; an assignment to such a name makes a global, as
// in a sloppy script. That makes a name used in a function before it
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
  // An assignment to a name nothing declared makes a global, as in a sloppy script.
  set(_target, key, value) {
    (globalThis as Record<string | symbol, unknown>)[key] = value;
    return true;
  },
});

export class JobScope {
  /** The global through which compiled input reaches this job's names. */
  readonly globalName = `__eshell_scope_${nextScope++}`;
  private readonly names = Object.create(undeclared) as Record<string, unknown>;
  private readonly kinds = new Map<string, DeclarationKind>();
  /** The job's bound variables (`X = …`), copied here by its Bindings. */
  private readonly variables = new Set<string>();

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

  kindOf(name: string): DeclarationKind | undefined {
    return this.kinds.get(name);
  }

  hasVariable(name: string): boolean {
    return this.variables.has(name);
  }

  setVariable(name: string, value: unknown): void {
    this.variables.add(name);
    Object.defineProperty(this.names, name, { value, writable: true, configurable: true, enumerable: true });
  }

  deleteVariable(name: string): void {
    if (this.variables.delete(name)) delete this.names[name];
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
      Object.defineProperty(this.names, name, { value: undefined, writable: true, configurable: true, enumerable: true });
    }
  }

  /**
   * Called once a `const` declaration has given its names their values: they are read-only
   * from then on. (Data properties, not accessors: V8 reads them as fast as a global, where
   * a getter made a loop reading a constant up to 6 times slower.) Assignments to them are
   * turned into errors when the input is compiled (scopedInput.ts).
   */
  fix(names: readonly string[]): void {
    for (const name of names) {
      if (this.kinds.get(name) === 'const') Object.defineProperty(this.names, name, { writable: false });
    }
  }

  /** Drops names (those declared by an input that failed, as Eshell drops its bindings). */
  forget(names: Iterable<string>): void {
    for (const name of names) {
      if (!this.kinds.delete(name)) continue;
      delete this.names[name];
    }
  }

  /** A declared name's value without running anything (for completion); undefined if none. */
  peek(name: string): { value: unknown } | undefined {
    if (!this.kinds.has(name)) return undefined;
    const descriptor = Object.getOwnPropertyDescriptor(this.names, name);
    return descriptor && 'value' in descriptor ? { value: descriptor.value } : undefined;
  }
}

function isLexical(kind: DeclarationKind): boolean {
  return kind === 'const' || kind === 'let' || kind === 'class';
}

function refuseAssignment(): never {
  throw new TypeError('Assignment to constant variable.'); // V8's words for a const
}

const ASSIGNMENT_TO_CONSTANT = {
  get value(): unknown {
    return refuseAssignment();
  },
  set value(_value: unknown) {
    refuseAssignment();
  },
};

function scopeNamed(globalName: string): JobScope {
  const scope = scopesByGlobal.get(globalName);
  if (!scope) throw new Error(`no shell job scope ${globalName}`);
  return scope;
}

/** The helpers compiled input calls (`__eshell.declare(…)`...), see scopedInput.ts. */
export const scopeHelpers = {
  /** The first statement of an input that declares names. */
  declare(globalName: string, declarations: Readonly<Record<string, DeclarationKind>>): void {
    scopeNamed(globalName).declare(declarations);
  },
  /** After a `const` declaration's initialisers. */
  fix(globalName: string, names: readonly string[]): void {
    scopeNamed(globalName).fix(names);
  },
  /** Stands where input assigns to a constant: `x = 2` → `__eshell.constant().value = 2`. */
  constant(): { value: unknown } {
    return ASSIGNMENT_TO_CONSTANT;
  },
};

const SCOPE_ACCESS = /\(0 ?, ?__eshell_scope_\d+\.([\w$]+)\)|\b__eshell_scope_\d+\./g;

/** A message about `__eshell_scope_3.f` (`… is not a function`) speaks of `f`, as typed. */
export function withoutScopeNames(text: string): string {
  return text.replace(SCOPE_ACCESS, (_match, called: string | undefined) => called ?? '');
}
