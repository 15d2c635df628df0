// io.format / io.fwrite and io_lib:format (`formatToString`): Erlang's format strings with
// Erlang's semantics, applied to TypeScript values.
//
// A directive is `~F.P.PadModC` (OTP io_lib_format): F field width (`-` for left adjustment),
// P precision, Pad the padding character, Mod the modifiers t/l/k/K, C the control character;
// F, P and Pad may be `*` to take the value from the arguments. As in Erlang, the whole format
// is checked against the arguments before anything is produced, so a bad call prints nothing
// and raises `error` with reason `['badarg', [format, args]]` (and a message naming the
// directive and argument at fault).

import { ErlangException } from '../runtime/errors';
import { formatTerm, formatValue } from './print';
import { writeOutput } from '../runtime/output';
import { plural } from './plural';

/** Erlang's io_lib:format/2: the formatted text as a string. */
export function formatToString(fmt: string, args?: unknown[]): string {
  return render('io.formatToString', fmt, args);
}

export const io = {
  /** Erlang's io:format/2: writes the formatted text to the shell's output; returns 'ok'. */
  format(fmt: string, args?: unknown[]): 'ok' {
    writeOutput(render('io.format', fmt, args));
    return 'ok';
  },
  /** Erlang's io:fwrite/2, the same as format. */
  fwrite(fmt: string, args?: unknown[]): 'ok' {
    writeOutput(render('io.fwrite', fmt, args));
    return 'ok';
  },
  formatToString,
};

// ---------------------------------------------------------------------------------------------
// Scanning: format string + arguments → literal text and directives with their arguments.

type Adjust = 'left' | 'right';

interface Directive {
  control: string;
  /** The directive as written, for error messages: `~10.3f`. */
  source: string;
  width?: number;
  adjust: Adjust;
  precision?: number;
  pad: string;
  args: unknown[];
}

/** How many arguments each control character consumes. */
const ARITY: Record<string, number> = {
  w: 1, p: 1, W: 2, P: 2, s: 1, e: 1, f: 1, g: 1, b: 1, B: 1, x: 2, X: 2, '+': 1, '#': 1,
  c: 1, i: 1, '~': 0, n: 0,
};

class FormatError extends Error {}

function render(caller: string, fmt: unknown, args: unknown): string {
  try {
    if (typeof fmt !== 'string') {
      throw new FormatError(`the format must be a string, got ${describe(fmt)}`);
    }
    if (args !== undefined && !Array.isArray(args)) {
      throw new FormatError(
        `the arguments must be an array, as in ${caller}('~p~n', [value]); got ${describe(args)}`,
      );
    }
    return build(scan(fmt, args ?? []));
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    throw new ErlangException('error', ['badarg', [fmt, args]], `${caller}: bad argument: ${error.message}`);
  }
}

function scan(fmt: string, args: readonly unknown[]): (string | Directive)[] {
  const pieces: (string | Directive)[] = [];
  let next = 0; // next unused argument
  const take = (what: string): unknown => {
    if (next >= args.length) {
      const needed = countArguments(fmt);
      if (needed === undefined) throw new FormatError(`not enough arguments for ${what}`);
      throw wrongArgumentCount(fmt, needed, args.length);
    }
    return args[next++];
  };

  let i = 0;
  let literal = '';
  while (i < fmt.length) {
    const tilde = fmt.indexOf('~', i);
    if (tilde < 0) {
      literal += fmt.slice(i);
      break;
    }
    literal += fmt.slice(i, tilde);
    if (literal) pieces.push(literal);
    literal = '';
    const start = tilde;
    i = tilde + 1;
    const directiveSoFar = () => fmt.slice(start, i);

    // Field width: [-](digits | *)
    let width: number | undefined;
    let adjust: Adjust = 'right';
    let negative = false;
    if (fmt[i] === '-') {
      negative = true;
      i++;
    }
    if (fmt[i] === '*') {
      i++;
      const what = `the field width of ${directiveSoFar()}`;
      width = integerArgument(take(what), what);
    } else if (isDigit(fmt[i])) {
      ({ value: width, end: i } = readDigits(fmt, i));
    }
    if (negative && width !== undefined) width = -width;
    if (width !== undefined && width < 0) {
      width = -width;
      adjust = 'left';
    }

    // Precision: .(digits | *)
    let precision: number | undefined;
    if (fmt[i] === '.') {
      i++;
      if (fmt[i] === '*') {
        i++;
        const what = `the precision of ${directiveSoFar()}`;
        precision = integerArgument(take(what), what);
        if (precision < 0) throw new FormatError(`${what} cannot be negative (${precision})`);
      } else if (isDigit(fmt[i])) {
        ({ value: precision, end: i } = readDigits(fmt, i));
      }
    }

    // Pad character: .(char | *)
    let pad = ' ';
    if (fmt[i] === '.' && i + 1 < fmt.length) {
      if (fmt[i + 1] === '*') {
        i += 2;
        const what = `the pad character of ${directiveSoFar()}`;
        pad = charArgument(take(what), what);
      } else {
        const code = fmt.codePointAt(i + 1)!;
        pad = String.fromCodePoint(code);
        i += 1 + pad.length;
      }
    }

    // Modifiers: t (unicode, always on here), l (no string detection, nothing to detect in
    // TypeScript), k/K (map key order; K takes an ordering argument, ignored).
    while (fmt[i] === 't' || fmt[i] === 'l' || fmt[i] === 'k' || fmt[i] === 'K') {
      if (fmt[i] === 'K') take(`the K modifier of ${directiveSoFar()}`);
      i++;
    }

    const control = fmt[i];
    if (control === undefined) {
      throw new FormatError(`the format ${quote(fmt)} ends in the middle of the directive ${directiveSoFar()}`);
    }
    i++;
    const source = directiveSoFar();
    const arity = ARITY[control];
    if (arity === undefined) {
      throw new FormatError(`unknown directive ${source} (after ~ comes p, w, s, n, ~, b, c, f, e, g, x, i, ...)`);
    }
    const directiveArgs: unknown[] = [];
    for (let k = 0; k < arity; k++) directiveArgs.push(take(source));
    pieces.push({ control, source, width, adjust, precision, pad, args: directiveArgs });
  }
  if (literal) pieces.push(literal);
  if (next < args.length) throw wrongArgumentCount(fmt, countArguments(fmt) ?? next, args.length);
  return pieces;
}

function wrongArgumentCount(fmt: string, needed: number, given: number): FormatError {
  return new FormatError(`the format ${quote(fmt)} needs ${plural(needed, 'argument')} but ${plural(given, 'was', 'were')} given`);
}

/** How many arguments a format consumes when it has no `*`s; undefined when it has. */
function countArguments(fmt: string): number | undefined {
  let count = 0;
  const directive = /~(-?(?:\d+|\*))?(?:\.(\d+|\*)?)?(?:\.(.))?[tlkK]*(.)?/gsu;
  for (const match of fmt.matchAll(directive)) {
    if (match[0].includes('*') || match[0].includes('K')) return undefined;
    count += ARITY[match[4] ?? ''] ?? 0;
  }
  return count;
}

function readDigits(fmt: string, start: number): { value: number; end: number } {
  let end = start;
  while (isDigit(fmt[end])) end++;
  return { value: Number(fmt.slice(start, end)), end };
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

// ---------------------------------------------------------------------------------------------
// Building: directives → text. `column` tracks where on the line the output is, because `~p`
// wraps relative to it (Erlang's default indentation for ~p).

function build(pieces: (string | Directive)[]): string {
  let out = '';
  let column = 0;
  for (const piece of pieces) {
    const produced = typeof piece === 'string' ? piece : control(piece, column);
    out += produced;
    column = columnAfter(produced, column);
  }
  return out;
}

function columnAfter(text: string, column: number): number {
  const lastNewline = text.lastIndexOf('\n');
  let col = lastNewline < 0 ? column : 0;
  for (let i = lastNewline + 1; i < text.length; i++) {
    col = text[i] === '\t' ? (Math.floor(col / 8) + 1) * 8 : col + 1;
  }
  return col;
}

function control(d: Directive, column: number): string {
  const [arg, extra] = d.args;
  switch (d.control) {
    case '~':
      return char('~', d);
    case 'n':
      return d.width === undefined ? '\n' : '\n'.repeat(d.width);
    case 'i':
      return '';
    case 'c':
      return char(charArgument(arg, d.source), d);
    case 's':
      return string(textArgument(arg, d.source), d);
    case 'w':
      return field(formatTerm(arg), d, d.precision);
    case 'W':
      return field(formatTerm(arg, { depth: depthArgument(extra, d.source) }), d, d.precision);
    case 'p':
      return pretty(arg, d, column);
    case 'P':
      return pretty(arg, d, column, depthArgument(extra, d.source));
    case 'f':
      return field(fixed(floatArgument(arg, d.source), precisionAtLeast(d, 6, 1)), d, d.width);
    case 'e':
      return field(exponential(floatArgument(arg, d.source), precisionAtLeast(d, 6, 2)), d, d.width);
    case 'g':
      return field(general(floatArgument(arg, d.source), precisionAtLeast(d, 6, 1)), d, d.width);
    case 'b':
    case 'B':
      return field(integerText(arg, d, ''), d, undefined);
    case 'x':
    case 'X':
      return field(integerText(arg, d, prefixArgument(extra, d.source)), d, undefined);
    case '#':
    case '+':
      return field(integerText(arg, d, `${base(d)}#`), d, undefined);
    default:
      throw new FormatError(`unknown directive ${d.source}`);
  }
}

/** `~p`: the field width is the line length, the precision the starting column. */
function pretty(value: unknown, d: Directive, column: number, depth?: number): string {
  return formatValue(value, { width: d.width ?? 80, indent: d.precision ?? column, depth });
}

/**
 * Erlang's `term`: pads `text` to the field width, or fills the field with `*` when the text
 * does not fit (the same rule for numbers and ~w terms).
 */
function field(text: string, d: Directive, limit: number | undefined): string {
  const width = d.width ?? limit;
  if (width === undefined) return text;
  const length = charLength(text);
  const room = Math.min(length, Math.min(limit ?? width, width));
  if (length > room) return adjust('*'.repeat(room), d.pad.repeat(width - room), d.adjust);
  return adjust(text, d.pad.repeat(width - length), d.adjust);
}

/** `~s`: truncates to the precision (or field), pads to the field. */
function string(text: string, d: Directive): string {
  const { width, precision, pad } = d;
  const length = charLength(text);
  if (width === undefined && precision === undefined) return text;
  if (precision === undefined) return fitString(text, length, width!, d.adjust, pad);
  if (width === undefined) return fitString(text, length, precision, 'left', pad);
  checkWidthHoldsPrecision(d, width, precision);
  const shown = fitString(text, length, precision, 'left', pad);
  return adjust(shown, pad.repeat(width - precision), d.adjust);
}

function fitString(text: string, length: number, width: number, side: Adjust, pad: string): string {
  if (length > width) return sliceChars(text, width);
  return adjust(text, pad.repeat(width - length), side);
}

/** `~c`: the character P times (P defaults to F, which defaults to 1), padded to F. */
function char(c: string, d: Directive): string {
  const { width, precision } = d;
  if (precision === undefined) return c.repeat(width ?? 1);
  if (width === undefined) return c.repeat(precision);
  checkWidthHoldsPrecision(d, width, precision);
  return adjust(c.repeat(precision), d.pad.repeat(width - precision), d.adjust);
}

/** ~s and ~c print `precision` characters inside the field: it must have room for them. */
function checkWidthHoldsPrecision(d: Directive, width: number, precision: number): void {
  if (width < precision) {
    throw new FormatError(`${d.source}: the field width (${width}) is smaller than the precision (${precision})`);
  }
}

function adjust(text: string, padding: string, side: Adjust): string {
  return side === 'left' ? text + padding : padding + text;
}

function charLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

function sliceChars(text: string, count: number): string {
  return Array.from(text).slice(0, count).join('');
}

// ---------------------------------------------------------------------------------------------
// Numbers

function precisionAtLeast(d: Directive, fallback: number, minimum: number): number {
  const precision = d.precision ?? fallback;
  if (precision < minimum) {
    throw new FormatError(`${d.source}: the precision must be at least ${minimum}, got ${precision}`);
  }
  return precision;
}

/** `~f`: [-]ddd.ddd with `decimals` digits after the point. */
function fixed(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const magnitude = Math.abs(value);
  const shown = Math.min(decimals, 100); // toFixed's limit; further digits are zeros in practice
  const digits =
    magnitude >= 1e21 // toFixed switches to exponent notation here; such doubles are integers
      ? `${BigInt(magnitude)}${shown > 0 ? '.' + '0'.repeat(shown) : ''}`
      : magnitude.toFixed(shown);
  return sign + digits + '0'.repeat(decimals - shown);
}

/** `~e`: [-]d.ddde+X with `significant` digits in all (Erlang writes `e+0`, not `e+00`). */
function exponential(value: number, significant: number): string {
  if (!Number.isFinite(value)) return String(value);
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  return sign + Math.abs(value).toExponential(Math.min(significant - 1, 100));
}

/** `~g`: `~f` for 0.1 <= |x| < 10000, `~e` otherwise; precision counts significant digits. */
function general(value: number, significant: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  const exponent =
    magnitude < 0.1 ? -2 : magnitude < 1 ? -1 : magnitude < 10 ? 0 : magnitude < 100 ? 1
    : magnitude < 1000 ? 2 : magnitude < 10000 ? 3 : undefined;
  if (exponent !== undefined && exponent >= -1 && (significant - 1 > exponent || (significant <= 1 && exponent === -1))) {
    return fixed(value, significant - 1 - exponent);
  }
  return exponential(value, Math.max(significant, 2));
}

function base(d: Directive): number {
  const radix = d.precision ?? 10;
  if (radix < 2 || radix > 36) throw new FormatError(`${d.source}: the base must be between 2 and 36, got ${radix}`);
  return radix;
}

/** Sign, prefix, digits: `-16#1F`. Lower-case digits for b, x and +. */
function integerText(value: unknown, d: Directive, prefix: string): string {
  if (!(typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))) {
    throw new FormatError(`${d.source} expects an integer, got ${describe(value)}`);
  }
  const negative = value < 0;
  let digits = (negative ? -value : value).toString(base(d)).toUpperCase();
  if (d.control === 'b' || d.control === 'x' || d.control === '+') digits = digits.toLowerCase();
  return (negative ? '-' : '') + prefix + digits;
}

// ---------------------------------------------------------------------------------------------
// Arguments: check the type a directive needs and explain what arrived instead.

function floatArgument(value: unknown, source: string): number {
  if (typeof value !== 'number') throw new FormatError(`${source} expects a number, got ${describe(value)}`);
  return value;
}

function integerArgument(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new FormatError(`${what} must be an integer, got ${describe(value)}`);
}

function depthArgument(value: unknown, source: string): number | undefined {
  const depth = integerArgument(value, `the depth argument of ${source}`);
  return depth < 0 ? undefined : depth;
}

/** A character: a code point number or a one-character string. */
function charArgument(value: unknown, source: string): string {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x10ffff) {
    return String.fromCodePoint(value);
  }
  if (typeof value === 'string' && charLength(value) === 1) return value;
  throw new FormatError(`${source} expects a character (a code point number or a one-character string), got ${describe(value)}`);
}

/** `~s` accepts a string or an Erlang-style string: a (nested) array of char codes, strings, bytes. */
function textArgument(value: unknown, source: string): string {
  const text = toText(value, 0);
  if (text === undefined) {
    throw new FormatError(`${source} expects a string (or an array of character codes), got ${describe(value)}`);
  }
  return text;
}

function prefixArgument(value: unknown, source: string): string {
  const text = toText(value, 0);
  if (text === undefined) throw new FormatError(`the prefix of ${source} must be a string, got ${describe(value)}`);
  return text;
}

function toText(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (!Array.isArray(value) || depth > 100) return undefined;
  let out = '';
  for (const element of value) {
    if (typeof element === 'number' && Number.isInteger(element) && element >= 0 && element <= 0x10ffff) {
      out += String.fromCodePoint(element);
    } else {
      const inner = toText(element, depth + 1);
      if (inner === undefined) return undefined;
      out += inner;
    }
  }
  return out;
}

function describe(value: unknown): string {
  const shown = formatTerm(value);
  return shown.length > 60 ? shown.slice(0, 57) + '...' : shown;
}

function quote(fmt: string): string {
  return formatTerm(fmt);
}
