// Values typed on the observer page, in the shell's notation: `['ping', <0.3.0>]`, `'quit'`,
// `{ n: 1 }`. A literal parser, not the evaluator: a page must not run code in the shell's
// thread, only hand a process a value. It reads what src/io/print.ts writes for plain data:
// numbers (and bigints), strings/atoms in either quote, true/false/null/undefined, tuples and
// lists as arrays, objects, and pids as `<0.N.0>` or `pid(0, N, 0)`.
import type { Pid } from '../runtime/pid';
import { rt } from './observerRuntime';

export class LiteralError extends Error {}

export function parseLiteral(text: string): unknown {
  const parser = new LiteralParser(text);
  parser.skipSpace();
  if (parser.atEnd()) throw new LiteralError('nothing to parse: type a value, such as \'ping\' or [\'add\', 1, 2]');
  const value = parser.value();
  parser.skipSpace();
  if (parser.text.endsWith('.') && parser.at === parser.text.length - 1) parser.at++; // Eshell's full stop
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail();
  return value;
}

const NUMBER = /-?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.\d[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?/y;
const PID = /<0\.(\d+)\.0>/y;
const IDENTIFIER = /[A-Za-z_$][\w$]*/y;
const SPACE = /\s*/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', 0: '\0' };

class LiteralParser {
  at = 0;
  constructor(readonly text: string) {}

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  skipSpace(): void {
    SPACE.lastIndex = this.at;
    SPACE.exec(this.text);
    this.at = SPACE.lastIndex;
  }

  /** Erlang's wording: what the parser stopped before, and where. */
  fail(expected?: string): never {
    const rest = this.text.slice(this.at);
    const before = rest === '' ? 'the end of the input' : `'${rest.slice(0, 12)}${rest.length > 12 ? '…' : ''}'`;
    throw new LiteralError(`syntax error before: ${before} (column ${this.at + 1})${expected ? `: expected ${expected}` : ''}`);
  }

  private match(regex: RegExp): RegExpExecArray | null {
    regex.lastIndex = this.at;
    const found = regex.exec(this.text);
    if (found !== null) this.at = regex.lastIndex;
    return found;
  }

  private expect(char: string): void {
    this.skipSpace();
    if (this.text[this.at] !== char) this.fail(`'${char}'`);
    this.at++;
  }

  value(): unknown {
    this.skipSpace();
    const char = this.text[this.at];
    if (char === '[') return this.array();
    if (char === '{') return this.object();
    if (char === "'" || char === '"') return this.string();
    if (char === '<') {
      const found = this.match(PID);
      if (found === null) this.fail('a pid such as <0.3.0>');
      return pidOf(found[1]);
    }
    const number = this.match(NUMBER);
    if (number !== null) {
      const digits = number[0].replaceAll('_', '');
      return digits.endsWith('n') ? BigInt(digits.slice(0, -1)) : Number(digits);
    }
    const word = this.match(IDENTIFIER);
    if (word !== null) return this.word(word[0]);
    return this.fail('a value');
  }

  private word(word: string): unknown {
    switch (word) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'null':
        return null;
      case 'undefined':
        return undefined;
      case 'Infinity':
        return Infinity;
      case 'NaN':
        return NaN;
      case 'pid': {
        this.expect('(');
        const parts: unknown[] = [];
        for (let i = 0; i < 3; i++) {
          if (i > 0) this.expect(',');
          parts.push(this.value());
        }
        this.expect(')');
        if (parts[0] !== 0 || parts[2] !== 0 || !Number.isSafeInteger(parts[1])) {
          throw new LiteralError('pid(0, N, 0): only local pids <0.N.0> exist');
        }
        return pidOf(String(parts[1]));
      }
      default:
        this.at -= word.length;
        throw new LiteralError(
          `${word} is not a value: the page takes literals only (quote atoms: '${word}'; variables and calls are for the shell)`,
        );
    }
  }

  private array(): unknown[] {
    this.at++;
    const items: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === ']') {
        this.at++;
        return items;
      }
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== ']') this.fail("',' or ']'");
    }
  }

  private object(): Record<string, unknown> {
    this.at++;
    const result: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === '}') {
        this.at++;
        return result;
      }
      const quote = this.text[this.at];
      let key: string;
      if (quote === "'" || quote === '"') key = this.string();
      else {
        const word = this.match(IDENTIFIER) ?? this.match(NUMBER);
        if (word === null) this.fail('a property name');
        key = word[0];
      }
      this.expect(':');
      Object.defineProperty(result, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') this.fail("',' or '}'");
    }
  }

  private string(): string {
    const quote = this.text[this.at++];
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail(`the closing ${quote}`);
      const char = this.text[this.at++];
      if (char === quote) return out;
      if (char !== '\\') {
        out += char;
        continue;
      }
      const escaped = this.text[this.at++];
      if (escaped === 'x' || escaped === 'u') {
        const hex = escaped === 'x' ? this.text.slice(this.at, this.at + 2) : this.text.slice(this.at, this.at + 4);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== (escaped === 'x' ? 2 : 4)) this.fail('a hexadecimal escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += hex.length;
      } else if (escaped === undefined) {
        this.fail(`the closing ${quote}`);
      } else {
        out += ESCAPES[escaped] ?? escaped;
      }
    }
  }
}

function pidOf(id: string): Pid {
  return rt().pid(Number(id));
}
