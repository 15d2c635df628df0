// What Tab should complete, judged from the text before the cursor: a function of a module
// (`code_reload:sta`), a property (`foo.ba`, `a.b.c`), or a name (`Serv`). The evaluator
// thread answers with candidates; this only finds the words.

import { tokenize, type Token } from './tokenizer.js';
import { adjacent, isMemberAccess, isModuleName, isOperandEndToken } from './vocabulary.js';

export type CompletionTarget =
  | { kind: 'remote'; module: string; prefix: string; replaceFrom: number }
  | { kind: 'property'; object: string; prefix: string; replaceFrom: number }
  | { kind: 'name'; prefix: string; replaceFrom: number }
  | { kind: 'none' };

const NONE: CompletionTarget = { kind: 'none' };

export function lastIdentifierChain(textBeforeCursor: string): CompletionTarget {
  const tokens = tokenize(textBeforeCursor);
  const end = textBeforeCursor.length;
  const last = tokens[tokens.length - 1];
  if (!last || last.end < end) return { kind: 'name', prefix: '', replaceFrom: end };
  if (insideLiteralOrComment(last)) return NONE;
  if (last.kind === 'comment') return { kind: 'name', prefix: '', replaceFrom: end };

  let prefix = '';
  let replaceFrom = end;
  let index = tokens.length - 1;
  if (last.kind === 'identifier' || last.kind === 'private') {
    prefix = last.text;
    replaceFrom = last.start;
    index--;
  }
  const separator = tokens[index];
  if (separator && separator.kind === 'punctuator' && index < tokens.length - 1 && !adjacent(separator, tokens[index + 1]!)) {
    return { kind: 'name', prefix, replaceFrom };
  }
  if (separator?.kind === 'punctuator' && separator.text === ':') {
    const module = tokens[index - 1];
    const remote = module && module.kind === 'identifier' && isModuleName(module.text) && adjacent(module, separator)
      && (prefix === '' || adjacent(separator, tokens[index + 1]!)) && !precededByQuestion(tokens, index - 1);
    if (remote) return { kind: 'remote', module: module.text, prefix, replaceFrom };
    return prefix ? { kind: 'name', prefix, replaceFrom } : NONE;
  }
  if (isMemberAccess(separator)) {
    const object = objectChain(tokens, index);
    return object === undefined ? NONE : { kind: 'property', object, prefix, replaceFrom };
  }
  if (prefix) return { kind: 'name', prefix, replaceFrom };
  // Right after a literal or a closing bracket there is no name to complete.
  if (isOperandEndToken(last)) return NONE;
  return { kind: 'name', prefix: '', replaceFrom: end };
}

function insideLiteralOrComment(token: Token): boolean {
  if (token.kind === 'comment') return token.text.startsWith('//') || !token.terminated;
  return (token.kind === 'string' || token.kind === 'regex' || token.kind === 'template') && !token.terminated;
}

/** `a.b.c` for the dot at tokens[dot]; undefined when the object is not a plain name chain
 *  (a call result, a literal): completing those would mean evaluating code. */
function objectChain(tokens: readonly Token[], dot: number): string | undefined {
  const names: string[] = [];
  let index = dot - 1;
  for (;;) {
    const name = tokens[index];
    if (!name || (name.kind !== 'identifier' && name.kind !== 'private')) return undefined;
    names.unshift(name.text);
    const before = tokens[index - 1];
    if (!isMemberAccess(before)) break;
    index -= 2;
  }
  return names.join('.');
}

/** `c ? a:b` is a conditional, not a remote call. */
function precededByQuestion(tokens: readonly Token[], index: number): boolean {
  const before = tokens[index - 1];
  return before !== undefined && before.kind === 'punctuator' && before.text === '?';
}
