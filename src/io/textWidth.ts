// How much room text takes on a terminal: what the line editor and the output interleaving
// both need to place the cursor and to wrap lines where the terminal wraps them.

/** Columns a code point takes on a terminal: 0 for combining marks, 2 for CJK and emoji. */
export function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}

/** Columns a string takes, ignoring ANSI colour sequences. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of stripAnsi(s)) width += charWidth(ch.codePointAt(0)!);
  return width;
}

/** A CSI escape sequence (colours, cursor moves): it takes no room on screen. */
export const ANSI_SEQUENCE = /\x1b\[[0-9;?]*[ -\/]*[@-~]/;
const ANSI_SEQUENCES = new RegExp(ANSI_SEQUENCE.source, 'g');

function stripAnsi(s: string): string {
  return s.replace(ANSI_SEQUENCES, '');
}
