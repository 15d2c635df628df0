// The observer page's look into one process and its actions on it: send a message typed in
// the shell's notation, send an exit signal, kill. Each answers with a reply the page shows;
// a failure (a message that does not parse, a process that has died) touches nothing else.
import { rt } from './observerRuntime';
import { LiteralError, parseLiteral } from './literal';
import { NOT_IN_MODULE, type Sampler } from './sampler';
import type { RemoteNodeReader } from './remoteNode';
import type { ActionReply, CodeState, ProcessDetail } from './protocol';

/** Messages of an opened process shown on the page; the rest are counted. */
export const MAILBOX_SHOWN = 100;
/** Width the page prints messages in (its panel fits about this many characters). */
export const PRINT_WIDTH = 72;

const PID_TEXT = /^\s*<0\.(\d+)\.0>\s*$/;

function processOfText(pid: string) {
  const found = PID_TEXT.exec(pid);
  return found === null ? undefined : rt().lookupProcess(Number(found[1]));
}

export function detailOf(pid: string, sampler: Sampler): ProcessDetail {
  const proc = processOfText(pid);
  if (proc === undefined) return { pid, alive: false };
  const row = sampler.latest()?.rows.find((r) => r.id === proc.pid.id);
  const ext = proc.ext;
  const versions: [string, number, CodeState][] = [];
  if (ext !== null && ext.firstModule !== undefined) {
    const entered: [string, number][] = [[ext.firstModule, ext.firstModuleVersion], ...(ext.versions ?? [])];
    for (const [module, version] of entered) {
      if (version !== NOT_IN_MODULE) versions.push([module, version, rt().codeServer.current(module)?.version === version ? 'current' : 'old']);
    }
  }
  return {
    pid: String(proc.pid),
    alive: true,
    row,
    mailbox: proc.mailbox.slice(0, MAILBOX_SHOWN).map((message) => rt().formatValue(message, { width: PRINT_WIDTH })),
    mailboxLength: proc.mailbox.length,
    links: [...proc.links].map((other) => String(other.pid)),
    monitors: [...(ext?.monitors?.values() ?? [])].map((m) => String(m.target.pid)),
    monitoredBy: [...(ext?.monitoredBy?.values() ?? [])].map((m) => String(m.watcher.pid)),
    trapExit: proc.trapExit,
    ...behaviourState(proc),
    versions,
    // recorded by the runtime when they happen, so a page opened after a reload shows it
    history: (ext?.versionChanges ?? []).map(({ at, module, from, to }) => ({ at, module, from, to })),
  };
}

/** A behaviour's state, printed; a state that cannot be read is said so, never an error. */
function behaviourState(proc: { ext: { behaviourState: (() => unknown) | null } | null }): { state?: string } {
  const read = proc.ext?.behaviourState;
  if (read == null) return {};
  try {
    return { state: rt().formatValue(read(), { width: PRINT_WIDTH }) };
  } catch (error) {
    return { state: `(the state cannot be read: ${error instanceof Error ? error.message : String(error)})` };
  }
}

export function performAction(request: unknown): ActionReply {
  const asked = actionAsked(request);
  if (!asked.ok) return asked;
  const { action, pid, message, reason } = asked;
  const proc = processOfText(pid);
  if (proc === undefined) return { ok: false, error: `no process ${pid.trim()}: it has exited` };
  const target = String(proc.pid);
  switch (action) {
    case 'send': {
      const value = parsed(message, 'message');
      if (!value.ok) return value;
      rt().send(proc.pid, value.value);
      return { ok: true, text: `sent ${rt().formatValue(value.value, { singleLine: true })} to ${target}` };
    }
    case 'exit': {
      const value = parsed(reason, 'reason');
      if (!value.ok) return value;
      rt().exitProcess(proc, value.value);
      return { ok: true, text: `sent exit signal ${rt().formatValue(value.value, { singleLine: true })} to ${target}` };
    }
    case 'kill':
      rt().exitProcess(proc, 'kill');
      return { ok: true, text: `killed ${target}` };
  }
}

/**
 * The same on a process of another node, through distribution: a message to its pid, an exit
 * signal (`kill` included) as exit/2 sends one. The pid is one the node's last reading listed;
 * whether it was still alive shows in the next reading, as with `Pid ! Msg` in erl.
 */
export function performRemoteAction(request: unknown, reader: RemoteNodeReader): ActionReply {
  const asked = actionAsked(request, REMOTE_PID_TEXT);
  if (!asked.ok) return asked;
  const { action, pid: text, message, reason } = asked;
  const pid = reader.pidOf(text);
  if (pid === undefined) return { ok: false, error: `no process ${text.trim()} on ${reader.node}: it has exited` };
  const target = `${text.trim()} on ${reader.node}`;
  const value = action === 'send' ? parsed(message, 'message') : action === 'exit' ? parsed(reason, 'reason') : { ok: true as const, value: 'kill' };
  if (!value.ok) return value;
  try {
    if (action === 'send') rt().send(pid, value.value);
    else rt().dist.exitRemote(pid, value.value);
  } catch (error) {
    // A value with no Erlang term (a function) cannot travel.
    return { ok: false, error: `cannot send that to ${target}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const printed = rt().formatValue(value.value, { singleLine: true });
  if (action === 'send') return { ok: true, text: `sent ${printed} to ${target}` };
  return { ok: true, text: action === 'kill' ? `killed ${target}` : `sent exit signal ${printed} to ${target}` };
}

/** A pid of another node as its node prints it: `<0.85.0>` (the serial may be other than 0). */
const REMOTE_PID_TEXT = /^\s*<0\.(\d+)\.(\d+)>\s*$/;

type Asked = { ok: true; action: 'send' | 'exit' | 'kill'; pid: string; message: unknown; reason: unknown };

function actionAsked(request: unknown, pidText = PID_TEXT): Asked | { ok: false; error: string } {
  if (typeof request !== 'object' || request === null) return { ok: false, error: 'an action is a JSON object' };
  const { action, pid, message, reason } = request as Record<string, unknown>;
  if (action !== 'send' && action !== 'exit' && action !== 'kill') {
    return { ok: false, error: `unknown action ${JSON.stringify(action)}: send, exit or kill` };
  }
  if (typeof pid !== 'string' || !pidText.test(pid)) return { ok: false, error: `${JSON.stringify(pid)} is not a pid such as <0.3.0>` };
  return { ok: true, action, pid, message, reason };
}

function parsed(text: unknown, what: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof text !== 'string') return { ok: false, error: `the ${what} is missing` };
  try {
    return { ok: true, value: parseLiteral(text) };
  } catch (error) {
    if (error instanceof LiteralError || error instanceof RangeError) return { ok: false, error: `the ${what} does not parse: ${error.message}` };
    throw error;
  }
}
