// Words laid out in columns, as bash lists completions and Erlang's ls/0 lists files. Shared by
// the terminal thread (Tab pressed twice) and the evaluator thread (ls/0,1), so it sits above
// both.

import { displayWidth } from '../io/textWidth';

/** The longest prefix all `words` share. */
export function commonPrefix(words: string[]): string {
  let prefix = words[0] ?? '';
  for (const w of words) {
    while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/** Candidates in columns, sorted top to bottom then left to right (bash's layout). */
export function formatColumns(words: string[], columns: number): string {
  const width = Math.max(...words.map(displayWidth)) + 2;
  const perRow = Math.max(1, Math.floor(columns / width));
  const rows = Math.ceil(words.length / perRow);
  let out = '';
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const w = words[c * rows + r];
      if (w === undefined) break;
      line += w + ' '.repeat(width - displayWidth(w));
    }
    out += line.trimEnd() + '\n';
  }
  return out;
}
