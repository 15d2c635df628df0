// OTP's gen module: the calling convention every behaviour shares. A call is a monitor, a
// message `[tag, [callerPid, ref], request]` and a receive for `[ref, reply]` or the DOWN of
// the server: the shapes BEAM's gen:call puts on the wire. It returns a Receive, so the
// caller waits without blocking the thread: `await gen_server.call(...)` in an async
// process, or `return` it (the shell waits for it and binds its value).
import { ErlangException, badarg, describeArgument as describe } from '../runtime/errors';
import { Pid, type Ref } from '../runtime/pid';
import { monitor, demonitor } from '../runtime/links';
import { lookupName } from '../runtime/registry';
import { type Process, EXITED, handleModuleName } from '../runtime/process';
import { after, receive, releasesCode, type Receive, _ } from '../runtime/receive';
import { send } from '../runtime/api';
import { callingProcess } from '../runtime/caller';
import { processOf } from '../runtime/table';
import { localNodeName } from '../runtime/node';

/**
 * Who a call is addressed to: a pid (of this node or another), a registered name,
 * `['local', name]`, or `[name, node]` (a name registered on a node, as Erlang's `{Name, Node}`).
 */
export type ServerRef = Pid | string | readonly ['local', string] | readonly [string, string];

/** A server on another node: a remote pid, or `[name, node]` naming another node. */
export function remoteServer(server: unknown): Pid | readonly [string, string] | undefined {
  if (server instanceof Pid) return server.remote ? server : undefined;
  if (Array.isArray(server) && server.length === 2 && server[0] !== 'local' && typeof server[0] === 'string' && typeof server[1] === 'string') {
    return server[1] === localNodeName() ? undefined : (server as unknown as readonly [string, string]);
  }
  return undefined;
}

/** The caller of a call: `[pid, tag]`; `gen_server.reply(from, value)` answers it. */
export type From = readonly [Pid, Ref];

/** Milliseconds, or 'infinity'. */
export type CallTimeout = number | 'infinity';

/** The live process behind a server reference, or undefined. */
export function whereServer(server: ServerRef): Process | undefined {
  let proc: Process | undefined;
  if (server instanceof Pid) proc = processOf(server);
  else if (typeof server === 'string') proc = lookupName(server);
  else if (isLocalName(server)) proc = lookupName(server[1]);
  else if (isNodeName(server) && server[1] === localNodeName()) proc = lookupName(server[0]);
  else if (isHandleName(server)) proc = lookupName(moduleName(server));
  else throw badarg(`expected a pid, a registered name or ['local', name], got ${describe(server)}`);
  return proc === undefined || proc.state === EXITED ? undefined : proc;
}

/** In the shell a bare module name (`tree_sup`) is its handle; as a server it is the atom. */
function isHandleName(value: unknown): boolean {
  return typeof value === 'object' && handleModuleName(value) !== undefined;
}

function isNodeName(value: unknown): value is readonly [string, string] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string';
}

export function isLocalName(value: unknown): value is ['local', string] {
  return Array.isArray(value) && value.length === 2 && value[0] === 'local' && typeof value[1] === 'string';
}

/**
 * Sends `[tag, [self, ref], request]` and returns the receive for the reply. `label` is the
 * `[module, function, args]` a failed call exits with (`['noproc', ['gen_server', 'call',
 * [server, request]]]`); `then` maps the reply inside the receive.
 */
export function genCall(
  server: ServerRef,
  tag: string,
  request: unknown,
  timeout: CallTimeout,
  label: readonly [string, string, unknown[]],
  then?: (reply: unknown) => unknown,
): Receive {
  const caller = callingProcess(`${label[0]}.${label[1]}()`);
  // A server on another node is monitored and sent to through the distribution layer; its
  // absence comes back as a 'DOWN' (noproc, noconnection), as BEAM's gen:call sees it.
  const remote = remoteServer(server);
  let ref: Ref;
  if (remote !== undefined) {
    ref = monitor('process', remote);
    send(remote as Pid, [tag, [caller.pid, ref], request]);
  } else {
    const proc = whereServer(server);
    if (proc === undefined) throw new ErlangException('exit', ['noproc', label]);
    if (proc === caller) throw new ErlangException('exit', ['calling_self', label]);
    ref = monitor('process', proc.pid);
    send(proc.pid, [tag, [caller.pid, ref], request]);
  }
  const onReply = ([, reply]: [unknown, unknown]) => {
    demonitor(ref, ['flush']);
    return then === undefined ? reply : then(reply);
  };
  const onDown = ([, , , , reason]: unknown[]) => {
    throw new ErlangException('exit', [reason, label]);
  };
  const onTimeout = () => {
    demonitor(ref, ['flush']);
    throw new ErlangException('exit', ['timeout', label]);
  };
  const replyClause = [[ref, _], onReply] as const;
  const downClause = [['DOWN', ref, _, _, _], onDown] as const;
  if (timeout === 'infinity' || timeout === Infinity) {
    return releasesCode((receive as (...c: unknown[]) => Receive)(replyClause, downClause));
  }
  if (typeof timeout !== 'number' || !(timeout >= 0)) {
    throw badarg(`${label[0]}.${label[1]}: the timeout must be a number of milliseconds or 'infinity', got ${describe(timeout)}`);
  }
  return releasesCode((receive as (...c: unknown[]) => Receive)(replyClause, downClause, after(timeout, onTimeout)));
}

/** Answers a call: `[tag, reply]` to the caller, as gen:reply does. */
export function reply(from: From, value: unknown): 'ok' {
  if (!Array.isArray(from) || !(from[0] instanceof Pid)) throw badarg(`reply: expected a From ([pid, tag]), got ${describe(from)}`);
  send(from[0], [from[1], value]);
  return 'ok';
}

/** A module's name for reports: a handle's or a plain callback object's. */
export function moduleName(module: unknown): string {
  if (typeof module === 'string') return module;
  return handleModuleName(module) ?? 'anonymous';
}

