// Groups the significant tokens by brackets: a level is a list of items, an item is a token, a
// bracketed group (with the level inside it) or a template literal with substitutions (one
// level per `${ … }`). The transform works level by level on this; it never needs a real
// parse tree because every Eshell form is decided within one bracket level.

import type { Token } from './tokenizer.js';
import { FormSyntaxError, syntaxErrorBefore } from './syntaxError.js';
import { CLOSING_BRACKET, isIdentifier, isMemberAccess, isPunctuator } from './vocabulary.js';

export interface TokenItem {
  type: 'token';
  token: Token;
  start: number;
  end: number;
}

export interface GroupItem {
  type: 'group';
  /** `(`, `[` or `{` */
  open: Token;
  close: Token;
  items: Item[];
  start: number;
  end: number;
}

export interface TemplateItem {
  type: 'template';
  /** head, middles and tail: parts[i] precedes holes[i] */
  parts: Token[];
  holes: Item[][];
  start: number;
  end: number;
}

export type Item = TokenItem | GroupItem | TemplateItem;

/** Deeper nesting than this is refused: the transform recurses per level, and nobody types
 *  two hundred nested brackets at a prompt. */
export const MAX_NESTING = 200;

interface OpenFrame {
  items: Item[];
  /** a bracket group under construction, or a template literal waiting for its next part */
  open: Token;
  template?: { parts: Token[]; holes: Item[][] };
}

/** Builds the levels; throws FormSyntaxError on crossed, excess or missing brackets.
 *  `endOffset` is where "end of input" is, for the message about a missing bracket. */
export function buildLevels(tokens: readonly Token[], endOffset: number, whatFollows?: Token): Item[] {
  const root: Item[] = [];
  const stack: OpenFrame[] = [];
  let items = root;

  for (const token of tokens) {
    if (token.kind === 'template' && token.templatePart !== 'full') {
      if (token.templatePart === 'middle' || token.templatePart === 'tail') {
        const frame = stack.pop();
        if (!frame?.template) throw syntaxErrorBefore(token, endOffset);
        frame.template.holes.push(items);
        frame.template.parts.push(token);
        items = stack.length > 0 ? stack[stack.length - 1]!.items : root;
        if (token.templatePart === 'tail') {
          const { parts, holes } = frame.template;
          items.push({ type: 'template', parts, holes, start: parts[0]!.start, end: token.end });
          continue;
        }
        stack.push(frame);
        items = [];
        frame.items = items;
        continue;
      }
      // head: the substitution's level is filled until the matching middle or tail
      if (stack.length >= MAX_NESTING) throw new FormSyntaxError(token.start, 'expression nested too deeply');
      const frame: OpenFrame = { items: [], open: token, template: { parts: [token], holes: [] } };
      stack.push(frame);
      items = frame.items;
      continue;
    }
    if (token.kind === 'punctuator' && CLOSING_BRACKET[token.text]) {
      if (stack.length >= MAX_NESTING) throw new FormSyntaxError(token.start, 'expression nested too deeply');
      const frame: OpenFrame = { items: [], open: token };
      stack.push(frame);
      items = frame.items;
      continue;
    }
    if (token.kind === 'punctuator' && (token.text === ')' || token.text === ']' || token.text === '}')) {
      const frame = stack[stack.length - 1];
      if (!frame || frame.template || CLOSING_BRACKET[frame.open.text] !== token.text) {
        throw syntaxErrorBefore(token, endOffset);
      }
      stack.pop();
      const group: GroupItem = {
        type: 'group', open: frame.open, close: token, items: frame.items,
        start: frame.open.start, end: token.end,
      };
      items = stack.length > 0 ? stack[stack.length - 1]!.items : root;
      items.push(group);
      continue;
    }
    items.push({ type: 'token', token, start: token.start, end: token.end });
  }
  if (stack.length > 0) throw syntaxErrorBefore(whatFollows, endOffset);
  return root;
}

export function tokenOf(item: Item | undefined): Token | undefined {
  return item?.type === 'token' ? item.token : undefined;
}

/** The item is the punctuator `text` (or any punctuator when `text` is omitted). */
export function isPunct(item: Item | undefined, text?: string): boolean {
  return isPunctuator(tokenOf(item), text);
}

/** The item is the identifier `text` (or any identifier when `text` is omitted). */
export function isWord(item: Item | undefined, text?: string): boolean {
  return isIdentifier(tokenOf(item), text);
}

/** The item is `.` or `?.` (see isMemberAccess). */
export function isMemberAccessItem(item: Item | undefined): boolean {
  return isMemberAccess(tokenOf(item));
}

/** The item can be the key of an object literal entry: a name, a string, a number, `[computed]`. */
export function isPropertyKey(item: Item | undefined): boolean {
  const token = tokenOf(item);
  return isGroup(item, '[')
    || (token !== undefined && (token.kind === 'identifier' || token.kind === 'string' || token.kind === 'number'));
}

export function isGroup(item: Item | undefined, open?: string): item is GroupItem {
  return item?.type === 'group' && (open === undefined || item.open.text === open);
}

/** The first token of an item, for error messages ("syntax error before: …"). */
export function firstToken(item: Item): Token {
  if (item.type === 'token') return item.token;
  if (item.type === 'group') return item.open;
  return item.parts[0]!;
}
