// What a module may be called. A module is addressed at the prompt the way Erlang writes an
// atom bare (`c(ping_pong)`, `ping_pong:start()`, `ping_pong.start()`), so its name must be a
// word the shell reads as a module rather than a variable (upper-case first letter), a
// property, or JavaScript syntax. The code path, the forms transform and the shell's
// auto-loading of bare names all ask this one predicate.

/** Reserved words: never a variable, a module name or the end of an operand. `this`, `super`,
 *  `true`, `false`, `null` are reserved too but *are* operands (see the forms' vocabulary). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete',
  'do', 'else', 'enum', 'export', 'extends', 'finally', 'for', 'function', 'if', 'import',
  'in', 'instanceof', 'new', 'return', 'switch', 'throw', 'try', 'typeof', 'var', 'void',
  'while', 'with', 'yield', 'let', 'static', 'await', 'this', 'super', 'true', 'false', 'null',
]);

/** A lower-case letter, then letters, digits, `_` or `$`; not a reserved word. */
export function isModuleName(name: string): boolean {
  return /^[a-z][\w$]*$/.test(name) && !RESERVED_WORDS.has(name);
}
