// Numbers of Erlang's distribution protocol (erts User's Guide, "Distribution Protocol"):
// capability flags, EPMD request codes, control message operations.

/** Capability flags exchanged in the handshake (64 bits: BigInt). */
export const DFLAG = {
  PUBLISHED: 0x1n,
  EXTENDED_REFERENCES: 0x4n,
  DIST_MONITOR: 0x8n,
  FUN_TAGS: 0x10n,
  DIST_MONITOR_NAME: 0x20n,
  NEW_FUN_TAGS: 0x80n,
  EXTENDED_PIDS_PORTS: 0x100n,
  EXPORT_PTR_TAG: 0x200n,
  BIT_BINARIES: 0x400n,
  NEW_FLOATS: 0x800n,
  UNICODE_IO: 0x1000n,
  DIST_HDR_ATOM_CACHE: 0x2000n,
  SMALL_ATOM_TAGS: 0x4000n,
  UTF8_ATOMS: 0x10000n,
  MAP_TAG: 0x20000n,
  BIG_CREATION: 0x40000n,
  SEND_SENDER: 0x80000n,
  BIG_SEQTRACE_LABELS: 0x100000n,
  EXIT_PAYLOAD: 0x400000n,
  FRAGMENTS: 0x800000n,
  HANDSHAKE_23: 0x1000000n,
  UNLINK_ID: 0x2000000n,
  SPAWN: 1n << 32n,
  NAME_ME: 1n << 33n,
  V4_NC: 1n << 34n,
  ALIAS: 1n << 35n,
  MANDATORY_25_DIGEST: 1n << 36n,
} as const;

/** What OTP 25 refuses to connect without; we require the same of peers. */
export const MANDATORY_FLAGS =
  DFLAG.EXTENDED_REFERENCES | DFLAG.FUN_TAGS | DFLAG.NEW_FUN_TAGS | DFLAG.EXTENDED_PIDS_PORTS |
  DFLAG.EXPORT_PTR_TAG | DFLAG.BIT_BINARIES | DFLAG.NEW_FLOATS | DFLAG.UTF8_ATOMS | DFLAG.MAP_TAG |
  DFLAG.BIG_CREATION | DFLAG.HANDSHAKE_23;

/**
 * What this node offers. Only what it implements: no atom cache, no links/monitors/spawn
 * signals yet (those flags are added by the layer that implements them).
 */
export const OUR_FLAGS =
  MANDATORY_FLAGS | DFLAG.PUBLISHED | DFLAG.SMALL_ATOM_TAGS | DFLAG.UNICODE_IO | DFLAG.V4_NC | DFLAG.FRAGMENTS |
  DFLAG.MANDATORY_25_DIGEST;

/** Distribution protocol version we speak (OTP 23+ handshake). */
export const DIST_VERSION = 6;

export const EPMD = {
  DEFAULT_PORT: 4369,
  ALIVE2_X_RESP: 118, // 'v'
  ALIVE2_REQ: 120, // 'x'
  ALIVE2_RESP: 121, // 'y'
  PORT_PLEASE2_REQ: 122, // 'z'
  PORT2_RESP: 119, // 'w'
  NAMES_REQ: 110, // 'n'
  DUMP_REQ: 100, // 'd'
  KILL_REQ: 107, // 'k'
  STOP_REQ: 115, // 's'
  NODE_TYPE_NORMAL: 77, // 'M'
  PROTOCOL_TCP: 0,
} as const;

/** Control message operations (the first element of the control tuple). */
export const CTRL = {
  LINK: 1,
  SEND: 2,
  EXIT: 3,
  UNLINK: 4,
  NODE_LINK: 5,
  REG_SEND: 6,
  GROUP_LEADER: 7,
  EXIT2: 8,
  SEND_TT: 12,
  EXIT_TT: 13,
  REG_SEND_TT: 16,
  EXIT2_TT: 18,
  MONITOR_P: 19,
  DEMONITOR_P: 20,
  MONITOR_P_EXIT: 21,
  SEND_SENDER: 22,
  SEND_SENDER_TT: 23,
  PAYLOAD_EXIT: 24,
  PAYLOAD_EXIT_TT: 25,
  PAYLOAD_EXIT2: 26,
  PAYLOAD_EXIT2_TT: 27,
  PAYLOAD_MONITOR_P_EXIT: 28,
  SPAWN_REQUEST: 29,
  SPAWN_REQUEST_TT: 30,
  SPAWN_REPLY: 31,
  SPAWN_REPLY_TT: 32,
  ALIAS_SEND: 33,
  ALIAS_SEND_TT: 34,
  UNLINK_ID: 35,
  UNLINK_ID_ACK: 36,
} as const;

/** The version byte before every term in external format. */
export const VERSION_MAGIC = 131;
/** Frame type of a message without a distribution header. */
export const PASS_THROUGH = 112;
/** Distribution header / fragment header / further fragment (after VERSION_MAGIC). */
export const DIST_HEADER = 68;
export const DIST_FRAG_HEADER = 69;
export const DIST_FRAG_CONT = 70;
