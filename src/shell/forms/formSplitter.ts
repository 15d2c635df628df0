// Splits a stream of text into complete forms, as `erl < file` reads them: lines accumulate
// until `isComplete` says so. Used for piped standard input and for the startup file, whose
// errors name the line their form starts on.

export class FormSplitter {
  private lines: string[] = [];
  private partial = '';
  /** Lines taken in so far, and the line the pending form starts on. */
  private lineCount = 0;
  private formLine = 1;

  constructor(
    private readonly isComplete: (source: string) => boolean,
    /** `line`: the 1-based line the form starts on. */
    private readonly emit: (source: string, line: number) => void,
  ) {}

  push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop()!;
    for (const line of parts) this.addLine(line.replace(/\r$/, ''));
  }

  /** End of input: what is left is evaluated as it is (the evaluator reports what is wrong). */
  end(): void {
    if (this.partial) this.addLine(this.partial);
    this.partial = '';
    const rest = this.lines.join('\n');
    this.lines = [];
    if (rest.trim()) this.emit(rest, this.formLine);
  }

  private addLine(line: string): void {
    this.lineCount++;
    if (!this.lines.length && !line.trim()) return;
    if (!this.lines.length) this.formLine = this.lineCount;
    this.lines.push(line);
    const source = this.lines.join('\n');
    if (this.isComplete(source)) {
      this.lines = [];
      this.emit(source, this.formLine);
    }
  }
}
