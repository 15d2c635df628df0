// OTP's behaviours on top of the runtime and the code server: gen_server, supervisor, sys.
export { gen_server } from './genServer';
export type { GenServerBehaviour, InitResult, CallResult, CastResult, CodeChangeResult, Timeout, StartOptions } from './genServer';
export { sys } from './sys';
export type { From, ServerRef, CallTimeout } from './gen';
export type { StartResult } from './procLib';
export { supervisor } from './supervisor';
export type { SupFlags, ChildSpec, Strategy, RestartType, Shutdown, SupervisorInitResult, SupervisorBehaviour } from './supervisor';
