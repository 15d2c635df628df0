// Compiler messages in the form editors and people read: `file:line:col: error: text`, then the
// offending source line and a caret under the column (what erlc prints for `c(m)`).
import type { Message } from 'esbuild';

export type Severity = 'error' | 'warning';

export function formatMessages(messages: readonly Message[], severity: Severity, displayName: string): string {
  return messages.map((m) => formatMessage(m, severity, displayName)).join('');
}

function formatMessage(message: Message, severity: Severity, displayName: string): string {
  const where = message.location;
  if (!where) return `${displayName}: ${severity}: ${message.text}\n`;
  const column = characterColumn(where.lineText, where.column);
  let text = `${displayName}:${where.line}:${column + 1}: ${severity}: ${message.text}\n`;
  text += sourceExcerpt(where.line, where.lineText, column, where.length);
  for (const note of message.notes) {
    const at = note.location ? `${displayName}:${note.location.line}: ` : '';
    text += `${at}note: ${note.text}\n`;
  }
  return text;
}

/**
 * The source line under a line-number gutter, then a caret under the column (tabs kept, so
 * the caret lines up in a terminal), as erlc shows it.
 */
function sourceExcerpt(line: number, lineText: string, column: number, byteLength: number): string {
  const gutter = String(line).padStart(5);
  const padding = lineText.slice(0, column).replace(/[^\t]/g, ' ');
  const width = characterColumn(lineText.slice(column), byteLength);
  return `${gutter} | ${lineText}\n${' '.repeat(gutter.length)} | ${padding}^${'~'.repeat(Math.max(0, width - 1))}\n`;
}

/** esbuild counts columns and lengths in UTF-8 bytes; a terminal shows characters. */
function characterColumn(lineText: string, byteColumn: number): number {
  return Buffer.from(lineText).subarray(0, byteColumn).toString().length;
}
