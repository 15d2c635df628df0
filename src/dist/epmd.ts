// EPMD, the Erlang Port Mapper Daemon (erts User's Guide, "EPMD Protocol"): the client a node
// uses to register its listening port (ALIVE2_X, on a connection kept open for as long as the
// node is alive), to find a peer's port (PORT_PLEASE2) and to list names (NAMES); and, for
// machines without Erlang, the same protocol served from the node itself.
import net from 'node:net';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { DIST_VERSION, EPMD } from './protocol';
import { FrameError, FrameReader, frame16 } from './frames';

/** ERL_EPMD_PORT, as erl and epmd read it. */
export function epmdPort(env: NodeJS.ProcessEnv = process.env): number {
  const port = Number(env.ERL_EPMD_PORT);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : EPMD.DEFAULT_PORT;
}

export interface NodeEntry {
  name: string;
  port: number;
  nodeType: number;
  protocol: number;
  highestVersion: number;
  lowestVersion: number;
  extra: Buffer;
}

/** A registration: the node stays registered while `socket` is open. */
export interface Registration {
  creation: number;
  socket: net.Socket;
}

const EPMD_TIMEOUT_MS = 5000;

function connectTo(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`epmd at ${host}:${port} did not answer`)), EPMD_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** An answer from epmd is small; one larger than this is not an answer. */
const MAX_EPMD_ANSWER = 1 << 20;

/** Sends one request and collects the reply until `complete` says it has all of it. */
function request<T>(host: string, port: number, body: Buffer, complete: (answer: Buffer, ended: boolean) => T | undefined): Promise<T> {
  return connectTo(host, port).then(
    (socket) =>
      new Promise<T>((resolve, reject) => {
        let answer = Buffer.alloc(0);
        let done = false;
        const finish = (ended: boolean): void => {
          if (done) return;
          let result: T | undefined;
          try {
            if (answer.length > MAX_EPMD_ANSWER) throw new Error('epmd answered too much');
            result = complete(answer, ended);
          } catch (err) {
            done = true;
            socket.destroy();
            return reject(err);
          }
          if (result !== undefined) {
            done = true;
            socket.destroy();
            resolve(result);
          } else if (ended) {
            done = true;
            reject(new Error('epmd closed the connection before answering'));
          }
        };
        const timer = setTimeout(() => socket.destroy(new Error('epmd did not answer in time')), EPMD_TIMEOUT_MS);
        socket.on('data', (chunk: Buffer) => {
          answer = Buffer.concat([answer, chunk]);
          finish(false);
        });
        socket.on('end', () => finish(true));
        socket.on('close', () => {
          clearTimeout(timer);
          finish(true);
        });
        socket.on('error', (err) => {
          if (!done) {
            done = true;
            reject(err);
          }
        });
        socket.write(frame16(body));
      }),
  );
}

function alive2Request(name: string, port: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const body = Buffer.alloc(13 + nameBytes.length);
  let at = body.writeUInt8(EPMD.ALIVE2_REQ, 0);
  at = body.writeUInt16BE(port, at);
  at = body.writeUInt8(EPMD.NODE_TYPE_NORMAL, at);
  at = body.writeUInt8(EPMD.PROTOCOL_TCP, at);
  at = body.writeUInt16BE(DIST_VERSION, at); // highest
  at = body.writeUInt16BE(DIST_VERSION, at); // lowest: OTP 25 speaks only version 6 too
  at = body.writeUInt16BE(nameBytes.length, at);
  at += nameBytes.copy(body, at);
  body.writeUInt16BE(0, at); // no extra
  return body;
}

/** Registers `name` on `port`; resolves when epmd accepted it, with the creation it gave. */
export function register(name: string, port: number, epmd: number, host = '127.0.0.1'): Promise<Registration> {
  return connectTo(host, epmd).then(
    (socket) =>
      new Promise<Registration>((resolve, reject) => {
        let answer = Buffer.alloc(0);
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error('epmd did not answer the registration'));
        }, EPMD_TIMEOUT_MS);
        const onData = (chunk: Buffer): void => {
          answer = Buffer.concat([answer, chunk]);
          if (answer.length < 2) return;
          // ALIVE2_X_RESP carries a 4-byte creation, the older ALIVE2_RESP a 2-byte one.
          const creationBytes = answer[0] === EPMD.ALIVE2_X_RESP ? 4 : 2;
          if (answer[1] !== 0) {
            clearTimeout(timer);
            socket.destroy();
            return reject(new Error(`the name '${name}' seems to be in use by another Erlang node`));
          }
          if (answer.length < 2 + creationBytes) return;
          clearTimeout(timer);
          socket.removeListener('data', onData);
          const creation = creationBytes === 4 ? answer.readUInt32BE(2) : answer.readUInt16BE(2);
          // The connection is the registration: it must stay open and quiet.
          socket.on('data', () => {});
          socket.setKeepAlive(true);
          resolve({ creation, socket });
        };
        socket.on('data', onData);
        socket.once('close', () => {
          clearTimeout(timer);
          reject(new Error('epmd closed the registration'));
        });
        socket.on('error', () => {});
        socket.write(frame16(alive2Request(name, port)));
      }),
  );
}

/** The port of node `name` on `host`, or undefined when epmd there does not know it. */
export function portPlease(host: string, name: string, epmd: number): Promise<NodeEntry | undefined> {
  const body = Buffer.concat([Buffer.from([EPMD.PORT_PLEASE2_REQ]), Buffer.from(name, 'utf8')]);
  return request<NodeEntry | null>(host, epmd, body, (all, ended) => {
    const incomplete = (): undefined => {
      if (ended) throw new Error('short answer from epmd');
      return undefined;
    };
    if (all.length < 2) return incomplete();
    if (all[0] !== EPMD.PORT2_RESP) throw new Error(`unexpected answer ${all[0]} from epmd`);
    if (all[1] !== 0) return null; // not registered
    if (all.length < 12) return incomplete();
    const nameLength = all.readUInt16BE(10);
    if (all.length < 14 + nameLength) return incomplete();
    const extraLength = all.readUInt16BE(12 + nameLength);
    if (all.length < 14 + nameLength + extraLength) return incomplete();
    const entry: NodeEntry = {
      port: all.readUInt16BE(2),
      nodeType: all[4]!,
      protocol: all[5]!,
      highestVersion: all.readUInt16BE(6),
      lowestVersion: all.readUInt16BE(8),
      name: all.toString('utf8', 12, 12 + nameLength),
      extra: Buffer.from(all.subarray(14 + nameLength, 14 + nameLength + extraLength)),
    };
    return entry;
  }).then((entry) => entry ?? undefined);
}

/** `net_adm:names()`: the names registered with epmd on `host`, with their ports. */
export function names(host: string, epmd: number): Promise<[string, number][]> {
  return request(host, epmd, Buffer.from([EPMD.NAMES_REQ]), (all, ended) => {
    if (!ended) return undefined;
    if (all.length < 4) throw new Error('short answer from epmd');
    const listing: [string, number][] = [];
    for (const line of all.toString('utf8', 4).split('\n')) {
      const match = /^name (\S+) at port (\d+)$/.exec(line);
      if (match) listing.push([match[1]!, Number(match[2])]);
    }
    return listing;
  });
}

/** Whether something answers on the epmd port. */
export function epmdAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return connectTo(host, port).then(
    (socket) => {
      socket.destroy();
      return true;
    },
    () => false,
  );
}

/**
 * Makes sure an epmd listens on `port`, as erl does at start: `epmd -daemon` when it is
 * installed, else the protocol served from this node. Resolves with the server when it is ours.
 */
export async function ensureEpmd(port: number, log: (text: string) => void): Promise<EpmdServer | undefined> {
  if (await epmdAnswers(port)) return undefined;
  if (await startEpmdDaemon(port)) {
    for (let i = 0; i < 50; i++) {
      if (await epmdAnswers(port)) return undefined;
      await new Promise((r) => setTimeout(r, 40));
    }
  }
  const server = new EpmdServer(log);
  try {
    await server.listen(port);
    return server;
  } catch (err) {
    // Another node started one meanwhile: use it.
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' && (await epmdAnswers(port))) return undefined;
    throw err;
  }
}

function startEpmdDaemon(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('epmd', ['-daemon'], {
        stdio: 'ignore',
        env: { ...process.env, ERL_EPMD_PORT: String(port) },
        detached: true,
      });
    } catch {
      return resolve(false);
    }
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
    child.unref();
  });
}

interface Registered extends NodeEntry {
  creation: number;
  socket: net.Socket;
}

/** Largest EPMD request accepted by the built-in server (a name is at most 255 bytes). */
const EPMD_MAX_REQUEST = 1024;

/** The EPMD protocol served from this node, for machines without Erlang's epmd. */
export class EpmdServer {
  private server: net.Server | undefined;
  private readonly nodes = new Map<string, Registered>();

  constructor(private readonly log: (text: string) => void) {}

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.serve(socket));
      server.once('error', reject);
      const host = process.env.ERL_EPMD_ADDRESS || undefined;
      server.listen({ port, host, exclusive: true }, () => {
        server.removeListener('error', reject);
        server.on('error', (err) => this.log(`epmd: ${err.message}`));
        this.server = server;
        resolve();
      });
    });
  }

  close(): void {
    this.server?.close();
    for (const node of this.nodes.values()) node.socket.destroy();
    this.nodes.clear();
  }

  private serve(socket: net.Socket): void {
    const reader = new FrameReader(2, EPMD_MAX_REQUEST);
    socket.setTimeout(EPMD_TIMEOUT_MS, () => {
      if (![...this.nodes.values()].some((n) => n.socket === socket)) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      reader.push(chunk);
      let body: Buffer | undefined;
      try {
        body = reader.next();
      } catch (err) {
        if (err instanceof FrameError) socket.destroy();
        return;
      }
      if (body === undefined) return;
      socket.removeAllListeners('data');
      socket.on('data', () => {});
      try {
        this.answer(socket, body);
      } catch (err) {
        this.log(`epmd: bad request closed: ${(err as Error).message}`);
        socket.destroy();
      }
    });
  }

  private answer(socket: net.Socket, body: Buffer): void {
    switch (body[0]) {
      case EPMD.ALIVE2_REQ:
        return this.alive(socket, body);
      case EPMD.PORT_PLEASE2_REQ: {
        const node = this.nodes.get(body.toString('utf8', 1));
        if (node === undefined) return void socket.end(Buffer.from([EPMD.PORT2_RESP, 1]));
        const nameBytes = Buffer.from(node.name, 'utf8');
        const out = Buffer.alloc(14 + nameBytes.length + node.extra.length);
        let at = out.writeUInt8(EPMD.PORT2_RESP, 0);
        at = out.writeUInt8(0, at);
        at = out.writeUInt16BE(node.port, at);
        at = out.writeUInt8(node.nodeType, at);
        at = out.writeUInt8(node.protocol, at);
        at = out.writeUInt16BE(node.highestVersion, at);
        at = out.writeUInt16BE(node.lowestVersion, at);
        at = out.writeUInt16BE(nameBytes.length, at);
        at += nameBytes.copy(out, at);
        at = out.writeUInt16BE(node.extra.length, at);
        node.extra.copy(out, at);
        return void socket.end(out);
      }
      case EPMD.NAMES_REQ: {
        const head = Buffer.alloc(4);
        head.writeUInt32BE(this.port(), 0);
        const lines = [...this.nodes.values()].map((n) => `name ${n.name} at port ${n.port}\n`).join('');
        return void socket.end(Buffer.concat([head, Buffer.from(lines, 'utf8')]));
      }
      default:
        throw new Error(`unknown request ${body[0]}`);
    }
  }

  private alive(socket: net.Socket, body: Buffer): void {
    // As epmd: only nodes on this machine may register.
    const remote = socket.remoteAddress ?? '';
    if (!/^(127\.|::1$|::ffff:127\.)/.test(remote)) throw new Error(`registration from ${remote} refused`);
    if (body.length < 13) throw new Error('short ALIVE2 request');
    const nameLength = body.readUInt16BE(9);
    if (body.length < 13 + nameLength) throw new Error('short ALIVE2 request');
    const name = body.toString('utf8', 11, 11 + nameLength);
    const extraLength = body.readUInt16BE(11 + nameLength);
    const reply = Buffer.alloc(6);
    reply[0] = EPMD.ALIVE2_X_RESP;
    if (this.nodes.has(name) || name === '') {
      reply[1] = 1;
      return void socket.end(reply);
    }
    const creation = randomInt(1, 0xffffffff);
    this.nodes.set(name, {
      name,
      port: body.readUInt16BE(1),
      nodeType: body[3]!,
      protocol: body[4]!,
      highestVersion: body.readUInt16BE(5),
      lowestVersion: body.readUInt16BE(7),
      extra: Buffer.from(body.subarray(13 + nameLength, 13 + nameLength + extraLength)),
      creation,
      socket,
    });
    socket.setTimeout(0);
    socket.once('close', () => {
      if (this.nodes.get(name)?.socket === socket) this.nodes.delete(name);
    });
    reply.writeUInt32BE(creation, 2);
    socket.write(reply);
  }

  private port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }
}
