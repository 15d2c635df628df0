// Turns the raw bytes of a terminal in raw mode into key events. We decode escape sequences
// ourselves (rather than readline's emitKeypressEvents) so that bracketed paste arrives as one
// event and a lone Escape can be told apart from the start of a sequence split across reads.

import { StringDecoder } from 'node:string_decoder';

export type KeyName =
  | 'enter' | 'tab' | 'backspace' | 'delete' | 'escape'
  | 'up' | 'down' | 'left' | 'right' | 'home' | 'end'
  | 'word-left' | 'word-right'
  | 'meta-b' | 'meta-f' | 'meta-d' | 'meta-backspace'
  | `ctrl-${string}`
  | 'unknown';

export type KeyEvent =
  | { kind: 'text'; text: string }
  | { kind: 'key'; name: KeyName }
  | { kind: 'paste'; text: string };

const ESC = '\x1b';
const PASTE_END = '\x1b[201~';

/** How long a lone ESC (or an unfinished sequence) waits for the rest before it counts. */
export const ESCAPE_TIMEOUT_MS = 30;

const CSI_TILDE: Record<string, KeyName> = {
  '1': 'home', '7': 'home', '4': 'end', '8': 'end', '3': 'delete',
};
const CSI_FINAL: Record<string, KeyName> = {
  A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end',
};

/**
 * Feed it chunks; it returns the complete events. An incomplete tail (a lone ESC, half a CSI
 * sequence, an open paste) is kept until the next chunk, or until `flush()` is called by the
 * owner's ESCAPE_TIMEOUT_MS timer. Invalid UTF-8 becomes U+FFFD (StringDecoder's rule).
 */
export class KeyDecoder {
  private readonly utf8 = new StringDecoder('utf8');
  private pending = '';

  feed(chunk: Buffer | string): KeyEvent[] {
    this.pending += typeof chunk === 'string' ? chunk : this.utf8.write(chunk);
    return this.parse(false);
  }

  /** True when an incomplete sequence waits: the owner should call flush() after a pause. */
  hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Gives up waiting: a lone ESC becomes Escape, an unterminated paste is delivered as is. */
  flush(): KeyEvent[] {
    return this.parse(true);
  }

  private parse(final: boolean): KeyEvent[] {
    const events: KeyEvent[] = [];
    let s = this.pending;
    let i = 0;
    let text = '';
    const pushText = () => {
      if (text) events.push({ kind: 'text', text });
      text = '';
    };
    while (i < s.length) {
      const ch = s[i];
      if (ch === ESC) {
        const seq = readEscape(s, i, final);
        if (seq === 'incomplete') break;
        pushText();
        if (seq.paste) {
          const end = s.indexOf(PASTE_END, seq.next);
          if (end < 0 && !final) break;
          const body = end < 0 ? s.slice(seq.next) : s.slice(seq.next, end);
          events.push({ kind: 'paste', text: body });
          i = end < 0 ? s.length : end + PASTE_END.length;
          continue;
        }
        events.push({ kind: 'key', name: seq.name });
        i = seq.next;
        continue;
      }
      const code = ch.charCodeAt(0);
      if (code < 0x20 || code === 0x7f) {
        pushText();
        events.push({ kind: 'key', name: controlKey(code) });
        i++;
        continue;
      }
      text += ch;
      i++;
    }
    pushText();
    this.pending = s.slice(i);
    return events;
  }
}

function controlKey(code: number): KeyName {
  switch (code) {
    case 0x0d: case 0x0a: return 'enter';
    case 0x09: return 'tab';
    case 0x7f: case 0x08: return 'backspace';
    case 0x00: return 'ctrl-space';
    default:
      if (code >= 1 && code <= 26) return `ctrl-${String.fromCharCode(code + 96)}`;
      return 'unknown';
  }
}

type EscapeRead = { name: KeyName; next: number; paste?: false } | { paste: true; next: number };

/** Reads the escape sequence starting at s[i] (an ESC). */
function readEscape(s: string, i: number, final: boolean): EscapeRead | 'incomplete' {
  const after = s[i + 1];
  if (after === undefined) return final ? { name: 'escape', next: i + 1 } : 'incomplete';
  if (after === '[') return readCsi(s, i, final);
  if (after === 'O') {
    const f = s[i + 2];
    if (f === undefined) return final ? { name: 'escape', next: i + 1 } : 'incomplete';
    return { name: CSI_FINAL[f] ?? 'unknown', next: i + 3 };
  }
  // ESC + key is how terminals send Alt/Meta + key.
  switch (after) {
    case 'b': case 'B': return { name: 'meta-b', next: i + 2 };
    case 'f': case 'F': return { name: 'meta-f', next: i + 2 };
    case 'd': case 'D': return { name: 'meta-d', next: i + 2 };
    case '\x7f': case '\x08': return { name: 'meta-backspace', next: i + 2 };
    case ESC: return { name: 'escape', next: i + 1 };
    default: return { name: 'unknown', next: i + 2 };
  }
}

function readCsi(s: string, i: number, final: boolean): EscapeRead | 'incomplete' {
  let j = i + 2;
  while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x3f) j++;
  if (j >= s.length) return final ? { name: 'escape', next: i + 1 } : 'incomplete';
  const params = s.slice(i + 2, j);
  const fin = s[j];
  const next = j + 1;
  if (fin === '~') {
    if (params === '200') return { paste: true, next };
    return { name: CSI_TILDE[params.split(';')[0]] ?? 'unknown', next };
  }
  const modifier = params.split(';')[1];
  // Ctrl (5) or Alt (3) with an arrow moves by word, as in bash and Node's REPL.
  if ((modifier === '5' || modifier === '3') && (fin === 'C' || fin === 'D')) {
    return { name: fin === 'C' ? 'word-right' : 'word-left', next };
  }
  return { name: CSI_FINAL[fin] ?? 'unknown', next };
}

export const BRACKETED_PASTE_ON = '\x1b[?2004h';
export const BRACKETED_PASTE_OFF = '\x1b[?2004l';

/**
 * A paste is typed text whose line breaks are Enter presses, so pasting several forms evaluates
 * them one after another. Tabs become spaces (a pasted tab must not trigger completion).
 */
export function pasteAsKeys(text: string): KeyEvent[] {
  const keys: KeyEvent[] = [];
  const lines = text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '    ')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
    .split('\n');
  lines.forEach((line, i) => {
    if (i > 0) keys.push({ kind: 'key', name: 'enter' });
    if (line) keys.push({ kind: 'text', text: line });
  });
  return keys;
}
