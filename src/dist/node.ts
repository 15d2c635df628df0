// This node in a cluster: the listening socket, the registration with EPMD, the connections
// to other nodes (set up on demand, as erl does on the first send or ping), the routing of
// messages to other nodes, and the `net_kernel` process peers talk to. Loaded only when the
// node comes alive (-sname/-name or net_kernel.start): a shell without a name opens no port.
import net from 'node:net';
import { errorReportHeader } from '../io/exception';
import { writeOutput } from '../runtime/output';
import { setLocalNode } from '../runtime/node';
import { setRemoteRouter } from '../runtime/remoteSend';
import { processOf } from '../runtime/table';
import { lookupName } from '../runtime/registry';
import { deliver, currentProcess } from '../runtime/scheduler';
import { exit, register, send, spawn } from '../runtime/api';
import { receive, _ } from '../runtime/receive';
import type { Pid } from '../runtime/pid';
import { Connection, encodeQueued, type DownReason } from './connection';
import { ensureEpmd, epmdPort, portPlease, register as registerWithEpmd, type EpmdServer, type Registration } from './epmd';
import { HANDSHAKE_TIMEOUT_MS, handshakeAsAcceptor, handshakeAsConnector, HandshakeError, type HandshakeSelf, type Peer } from './handshake';
import { CTRL, DIST_VERSION, OUR_FLAGS } from './protocol';
import { splitNodeName } from './nodeName';
import { ProcessSignals } from './signals';
import { startCodeLoader, startIoServer, startRex } from './rpc';

export interface NodeOptions {
  /** The full node name, `ping@host`. */
  name: string;
  cookie: string;
  /** net_ticktime in seconds. */
  tickTime: number;
}

/** A control message handler: `ctrl` is the decoded control tuple (an array). */
export type ControlHandler = (node: DistNode, conn: Connection, ctrl: unknown[], message: unknown) => void;

/** Handshakes in progress at once, beyond which new connections are refused at once. */
const MAX_PENDING_HANDSHAKES = 1024;
/** Messages queued for a node while its connection is being set up. */
const MAX_QUEUED_PER_NODE = 100_000;

export class DistNode {
  readonly name: string;
  readonly cookie: string;
  private tickTime: number;
  private server: net.Server | undefined;
  private registration: Registration | undefined;
  private epmdServer: EpmdServer | undefined;
  private readonly connections = new Map<string, Connection>();
  /** Connections being set up by us, with the messages waiting for them. */
  private readonly connecting = new Map<string, { done: Promise<Connection | undefined>; queue: (() => void)[] }>();
  private pendingHandshakes = 0;
  private netKernel: Pid | undefined;
  private rex: Pid | undefined;
  private codeLoader: Pid | undefined;
  /** The group leader sent with rpc calls from this node: remote output is printed here. */
  rpcGroupLeader: Pid | undefined;
  private stopped = false;
  /** Links, monitors and exit signals across nodes. */
  signals: ProcessSignals | undefined;
  /** Extra capability flags offered by layers that implement more signals (links, monitors...). */
  extraFlags = 0n;
  readonly controlHandlers = new Map<number, ControlHandler>();
  /** Called when a connection to a node comes up or goes down (nodeup/nodedown). */
  readonly nodeListeners = new Set<(event: 'nodeup' | 'nodedown', node: string, reason?: DownReason) => void>();

  constructor(options: NodeOptions) {
    this.name = options.name;
    this.cookie = options.cookie;
    this.tickTime = options.tickTime;
    this.controlHandlers.set(CTRL.SEND, (_n, _c, ctrl, message) => this.deliverToPid(ctrl[2], message));
    this.controlHandlers.set(CTRL.SEND_TT, (_n, _c, ctrl, message) => this.deliverToPid(ctrl[2], message));
    this.controlHandlers.set(CTRL.SEND_SENDER, (_n, _c, ctrl, message) => this.deliverToPid(ctrl[2], message));
    this.controlHandlers.set(CTRL.SEND_SENDER_TT, (_n, _c, ctrl, message) => this.deliverToPid(ctrl[2], message));
    this.controlHandlers.set(CTRL.REG_SEND, (_n, _c, ctrl, message) => this.deliverToName(ctrl[3], message));
    this.controlHandlers.set(CTRL.REG_SEND_TT, (_n, _c, ctrl, message) => this.deliverToName(ctrl[3], message));
  }

  /** Listens, registers with EPMD (starting one if none answers), and becomes `name`. */
  async start(): Promise<Pid> {
    const { alive } = splitNodeName(this.name);
    const port = epmdPort();
    this.signals = new ProcessSignals(this);
    this.server = await listen((socket) => this.accept(socket));
    try {
      this.epmdServer = await ensureEpmd(port, (text) => this.log(text));
      const listening = (this.server.address() as net.AddressInfo).port;
      this.registration = await registerWithEpmd(alive, listening, port).catch((err: Error) => {
        throw new Error(err.message.includes('in use') ? `the name ${this.name} seems to be in use by another Erlang node` : err.message);
      });
    } catch (err) {
      this.server.close();
      this.epmdServer?.close();
      this.signals.stop();
      throw err;
    }
    this.registration.socket.on('close', () => {
      if (!this.stopped) this.log(`${errorReportHeader()}** epmd closed the registration of ${this.name} **\n`);
    });
    setLocalNode(this.name, this.registration.creation);
    setRemoteRouter({
      sendToPid: (to, message) => this.sendToPid(to, message),
      sendToName: (name, node, message) => this.sendToName(name, node, message),
    });
    this.netKernel = spawn(netKernelLoop, [this]);
    register('net_kernel', this.netKernel);
    this.rex = startRex();
    this.rpcGroupLeader = startIoServer();
    this.codeLoader = startCodeLoader();
    return this.netKernel;
  }

  /** Closes every connection, the listener and the registration; the node is `nonode@nohost` again. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const conn of [...this.connections.values()]) conn.close('disconnect', 'the node stopped');
    this.server?.close();
    this.registration?.socket.destroy();
    this.epmdServer?.close();
    setRemoteRouter(undefined);
    this.signals?.stop();
    setLocalNode('nonode@nohost', 0);
    if (this.netKernel) exit(this.netKernel, 'kill');
    if (this.rex) exit(this.rex, 'kill');
    if (this.rpcGroupLeader) exit(this.rpcGroupLeader, 'kill');
    if (this.codeLoader) exit(this.codeLoader, 'kill');
  }

  /** The connected nodes, in the order they connected (Erlang's nodes()). */
  nodes(): string[] {
    return [...this.connections.keys()];
  }

  /** The connection to `node`, when it is up. */
  connection(node: string): Connection | undefined {
    return this.connections.get(node);
  }

  /** Whether a connection to `node` is being set up (messages to it are queued). */
  isConnecting(node: string): boolean {
    return this.connecting.has(node);
  }

  get netKernelPid(): Pid | undefined {
    return this.netKernel;
  }

  get netTickTime(): number {
    return this.tickTime;
  }

  setTickTime(seconds: number): void {
    this.tickTime = seconds;
    for (const conn of this.connections.values()) conn.setTickTime(seconds);
  }

  /** `erlang:disconnect_node/1`. */
  disconnect(node: string): boolean {
    const conn = this.connections.get(node);
    if (!conn) return false;
    conn.close('disconnect', 'disconnected');
    return true;
  }

  log(text: string): void {
    writeOutput(text.endsWith('\n') ? text : `${text}\n`);
  }

  private self(): HandshakeSelf {
    return { name: this.name, cookie: this.cookie, creation: this.registration?.creation ?? 0, flags: OUR_FLAGS | this.extraFlags };
  }

  // ---- connections ----

  /** The connection to `node`, set up if needed; undefined when it cannot be reached. */
  connect(node: string): Promise<Connection | undefined> {
    if (this.stopped || node === this.name) return Promise.resolve(undefined);
    const existing = this.connections.get(node);
    if (existing) return Promise.resolve(existing);
    const pending = this.connecting.get(node);
    if (pending) return pending.done;
    const entry = { done: undefined as unknown as Promise<Connection | undefined>, queue: [] as (() => void)[] };
    entry.done = this.setUp(node).then(
      (conn) => {
        this.connecting.delete(node);
        for (const flush of entry.queue) flush();
        return conn;
      },
      () => {
        this.connecting.delete(node);
        return undefined;
      },
    );
    this.connecting.set(node, entry);
    return entry.done;
  }

  private async setUp(node: string): Promise<Connection | undefined> {
    let parts;
    try {
      parts = splitNodeName(node);
    } catch {
      return undefined;
    }
    const entry = await portPlease(parts.host, parts.alive, epmdPort()).catch(() => undefined);
    if (!entry || entry.highestVersion < DIST_VERSION) return undefined;
    const socket = await new Promise<net.Socket | undefined>((resolve) => {
      const s = net.connect({ host: parts.host, port: entry.port });
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(undefined));
    });
    if (!socket || this.stopped) return socket?.destroy(), undefined;
    try {
      const { peer, leftover } = await handshakeAsConnector(socket, this.self(), node, () => this.connections.has(node));
      // A simultaneous connection from the peer may have won meanwhile.
      const won = this.connections.get(node);
      if (won) {
        socket.destroy();
        return won;
      }
      return this.established(socket, peer, leftover);
    } catch (err) {
      socket.destroy();
      if (err instanceof HandshakeError && err.report) this.log(`${errorReportHeader()}${err.report}`);
      // Both sides connected at once and the peer's attempt won: its connection is coming.
      if (err instanceof HandshakeError && (err.status === 'nok' || err.status === 'alive')) return this.nodeUp(node, HANDSHAKE_TIMEOUT_MS);
      return undefined;
    }
  }

  /** The connection to `node` once one comes up, or undefined after `ms`. */
  private nodeUp(node: string, ms: number): Promise<Connection | undefined> {
    const existing = this.connections.get(node);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const listener = (event: string, name: string): void => {
        if (name !== node) return;
        clearTimeout(timer);
        this.nodeListeners.delete(listener);
        resolve(event === 'nodeup' ? this.connections.get(node) : undefined);
      };
      const timer = setTimeout(() => {
        this.nodeListeners.delete(listener);
        resolve(undefined);
      }, ms);
      this.nodeListeners.add(listener);
    });
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => {});
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    if (this.stopped || this.pendingHandshakes >= MAX_PENDING_HANDSHAKES) {
      socket.destroy();
      return;
    }
    this.pendingHandshakes++;
    const policy = {
      statusFor: (peer: Peer) => {
        if (this.connections.has(peer.name)) return 'alive' as const;
        // Both sides connecting at once: the greater name keeps its own attempt.
        if (this.connecting.has(peer.name)) return this.name > peer.name ? ('nok' as const) : ('ok_simultaneous' as const);
        return 'ok' as const;
      },
    };
    handshakeAsAcceptor(socket, this.self(), policy).then(
      ({ peer, leftover, replaced }) => {
        this.pendingHandshakes--;
        if (replaced) this.connections.get(peer.name)?.close('connection_closed', 'replaced by a new connection');
        if (this.stopped) return void socket.destroy();
        this.established(socket, peer, leftover);
      },
      (err: HandshakeError) => {
        this.pendingHandshakes--;
        socket.destroy();
        // Both sides connecting at once is resolved by dropping one attempt: nothing to report.
        if (err.status === 'nok' || err.status === 'false') return;
        this.log(`${errorReportHeader()}${err.report ?? `** Connection attempt from ${from} closed: ${err.message} **`}`);
      },
    );
  }

  private established(socket: net.Socket, peer: Peer, leftover: Buffer): Connection {
    const conn = new Connection(socket, peer, {
      control: (c, ctrl, message) => this.control(c, ctrl, message),
      down: (c, reason, detail) => this.down(c, reason, detail),
    }, leftover, this.tickTime);
    this.connections.set(peer.name, conn);
    for (const listener of this.nodeListeners) listener('nodeup', peer.name);
    return conn;
  }

  private down(conn: Connection, reason: DownReason, detail: string): void {
    if (this.connections.get(conn.node) !== conn) return;
    this.connections.delete(conn.node);
    if (reason === 'net_tick_timeout') {
      this.log(`${errorReportHeader()}** Node ${conn.node} not responding **\n** Removing (timedout) connection **`);
    } else if (reason.startsWith('bad_frame')) {
      this.log(`${errorReportHeader()}** Connection to node ${conn.node} closed: ${detail} **`);
    }
    for (const listener of this.nodeListeners) listener('nodedown', conn.node, reason);
  }

  // ---- messages in ----

  private control(conn: Connection, ctrl: unknown, message: unknown): void {
    if (!Array.isArray(ctrl) || typeof ctrl[0] !== 'number') {
      return conn.close('bad_frame: control message is not a tuple', 'control message is not a tuple');
    }
    // Signals this node does not implement yet (links, monitors, spawn) are ignored, as a
    // node without the capability flag would never be sent them.
    this.controlHandlers.get(ctrl[0])?.(this, conn, ctrl, message);
  }

  private deliverToPid(to: unknown, message: unknown): void {
    if (typeof to !== 'object' || to === null || !('remote' in to)) return;
    const pid = to as Pid;
    if (pid.remote) return; // an earlier life of this node: gone, as erl drops it
    const proc = processOf(pid);
    if (proc !== undefined) deliver(proc, message);
  }

  private deliverToName(name: unknown, message: unknown): void {
    if (typeof name !== 'string') return;
    const proc = lookupName(name);
    if (proc !== undefined) deliver(proc, message);
  }

  // ---- messages out ----

  private sendToPid(to: Pid, message: unknown): void {
    const conn = this.connections.get(to.node);
    if (conn) return conn.sendToPid(to, message);
    this.route(to.node, [CTRL.SEND, '', to], message, true);
  }

  private sendToName(name: string, node: string, message: unknown): void {
    const from = currentProcess()?.pid ?? this.netKernel!;
    const conn = this.connections.get(node);
    if (conn) return conn.sendToName(from, name, message);
    this.route(node, [CTRL.REG_SEND, from, '', name], message, true);
  }

  /** Sends a control message without a payload (for the layers that add signals). */
  sendControl(node: string, ctrl: unknown[]): void {
    this.route(node, ctrl, undefined, false);
  }

  /** Sends a control message with a payload (a spawn request's arguments). */
  sendControlMessage(node: string, ctrl: unknown[], message: unknown): void {
    this.route(node, ctrl, message, true);
  }

  /**
   * Sends to `node` now, or once the connection is up (dropped if it never is). Either way
   * the message is encoded here, in the sender's call: later changes to it are not sent.
   */
  private route(node: string, ctrl: unknown[], message: unknown, hasMessage: boolean): void {
    const conn = this.connections.get(node);
    if (conn) return conn.send(ctrl, message, hasMessage);
    const queued = encodeQueued(ctrl, message, hasMessage);
    if (this.stopped || node === this.name) return;
    void this.connect(node);
    const pending = this.connecting.get(node);
    if (!pending || pending.queue.length >= MAX_QUEUED_PER_NODE) return;
    pending.queue.push(() => this.connections.get(node)?.writeQueued(queued));
  }
}

function listen(onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ noDelay: true }, onConnection);
    server.once('error', reject);
    server.listen({ port: 0 }, () => {
      server.removeListener('error', reject);
      resolve(server);
    });
  });
}

/**
 * The `net_kernel` process: answers the `is_auth` call that BEAM's net_adm:ping makes
 * (`{'$gen_call', {From, Tag}, {is_auth, Node}}` → `Tag`'s reply `yes`).
 */
function netKernelLoop(node: DistNode): unknown {
  return receive([
    _,
    (message: unknown) => {
      if (Array.isArray(message) && message[0] === '$gen_call' && Array.isArray(message[1]) && message[1].length === 2) {
        const [from, tag] = message[1] as [Pid, unknown];
        const request = message[2];
        const reply = Array.isArray(request) && request[0] === 'is_auth' ? 'yes' : ['error', 'not_supported'];
        try {
          send(from, [tag, reply]);
        } catch {
          // a malformed caller: nothing to answer
        }
      }
      return netKernelLoop(node);
    },
  ]);
}

