// `eshell-ts -remsh ts2@host`: a shell whose input is evaluated on another eshell-ts node, as
// erl's -remsh does. Every eshell-ts node started with a name runs `eshell_ts_remsh`, which
// evaluates the forms a remote terminal sends in this node's shell and answers with the
// result text; what this node prints while a form runs goes to that terminal too (eshell-ts
// processes have no group leader that could say where their output belongs, so the whole
// node's output of that moment is what the remote terminal sees).
import { monitor, receive, register, self, send, spawn, whereis, _, type Pid, type Ref, type Receive } from '../../index';
import { Ref as RefClass } from '../../runtime/pid';
import { writeOutput } from '../../runtime/output';
import type { Reply } from './job';

const SERVER = 'eshell_ts_remsh';

/** Where the output of this node goes while remote evaluations run: their callers. */
const listeners = new Map<Ref, Pid>();

/** Called with every piece of this node's output (see evaluatorThread's sink). */
export function teeOutput(text: string): void {
  if (listeners.size === 0) return;
  const bytes = Buffer.from(text);
  for (const [ref, to] of listeners) send(to, ['output', ref, bytes]);
}

type Evaluate = (source: string, reply: (r: Reply) => void) => void;

/**
 * Starts the server that evaluates forms for remote terminals on this node (once: it outlives
 * a net_kernel.stop and serves the node again when it restarts).
 */
export function startRemoteShellServer(evaluate: Evaluate): Pid {
  const running = whereis(SERVER);
  if (running !== undefined) return running;
  const loop = (): Receive =>
    receive([
      _,
      (message: unknown) => {
        if (Array.isArray(message) && message[0] === 'eval' && message.length === 4) {
          const [, from, ref, source] = message as [string, Pid, Ref, unknown];
          listeners.set(ref, from);
          evaluate(Buffer.isBuffer(source) ? source.toString('utf8') : String(source), (reply) => {
            listeners.delete(ref);
            send(from, [ref, 'result', Buffer.from(reply.text), reply.ok, reply.prompt]);
          });
        }
        return loop();
      },
    ]);
  const pid = spawn(loop);
  register(SERVER, pid);
  return pid;
}

/**
 * This terminal's side: sends `source` to `node`'s server and hands back its answer; output
 * arriving meanwhile is printed here. A node that goes away answers with an error text.
 */
export function evaluateRemotely(node: string, source: string, done: (reply: Reply) => void): void {
  spawn(() => {
    const ref = new RefClass();
    const watch = monitor('process', [SERVER, node]);
    send([SERVER, node], ['eval', self(), ref, Buffer.from(source)]);
    const wait = (): Receive =>
      receive(
        [['output', ref, _], ([, , text]: [string, Ref, Buffer]) => (writeOutput(text.toString('utf8')), wait())],
        [[ref, 'result', _, _, _], ([, , text, ok, prompt]: [Ref, string, Buffer, boolean, number]) => done({ text: text.toString('utf8'), ok, prompt })],
        [['DOWN', watch, _, _, _], ([, , , , reason]: unknown[]) =>
          done({ text: `*** ERROR: Shell process terminated! (${String(reason)}) ***\n`, ok: false, prompt: 0 })],
      ) as Receive;
    return wait();
  });
}
