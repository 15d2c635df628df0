// The one channel all process output goes through (crash reports, io.format, console in the
// worker). The shell's worker points the sink at its postMessage to the terminal thread, so
// text reaches the terminal in the order it was written.

type OutputSink = (text: string) => void;

const writeToStdout: OutputSink = (text) => {
  process.stdout.write(text);
};

let sink: OutputSink = writeToStdout;

export function writeOutput(text: string): void {
  sink(text);
}

/** Redirects all later output; the previous sink is dropped. */
export function setOutputSink(next: OutputSink): void {
  sink = next;
}
