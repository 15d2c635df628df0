// The public API: what modules get from `import { ... } from 'eshell-ts'`.
export { Pid, pid, isPid, Ref, RemotePid, RemoteRef } from './runtime/pid';
export {
  spawn,
  spawn_link,
  spawn_monitor,
  self,
  send,
  exit,
  link,
  unlink,
  monitor,
  demonitor,
  process_flag,
  is_process_alive,
  process_info,
  processes,
  register,
  unregister,
  whereis,
  registered,
  erlang,
  timer,
} from './runtime/api';
export { receive, after, _, Receive } from './runtime/receive';
export type { Clause, Pattern } from './runtime/receive';
export type { ProcessInfo } from './runtime/introspection';
export { ErlangException, error } from './runtime/errors';
export { io } from './io/format';
// Error reports read as the shell prints exceptions (the io layer installs that in the runtime).
import './io/exception';
export { moduleHandle, code } from './code/moduleHandle';
export { node, nodes, is_alive, net_kernel, net_adm, monitor_node, rpc, nl } from './dist/api';
// Erlang terms with no TypeScript value of their own, and the external term format.
export { List, list, charlist, ImproperList, improperList, Float, float, Bitstring, bitstring, Port, ExportFun, exportFun, ErlangFun } from './runtime/terms';
export { termToBinary, binaryToTerm, DecodeError } from './dist/etf';
export { gen_server, supervisor, sys } from './otp';
export type { GenServerBehaviour, InitResult, CallResult, CastResult, CodeChangeResult, Timeout, From, ServerRef, CallTimeout, StartResult, SupFlags, ChildSpec, SupervisorBehaviour } from './otp';
