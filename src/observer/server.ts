// The observer's HTTP server, on the evaluator thread: loopback only, a random port and a
// random token per start. It serves the page (built by scripts/build.mjs into dist/), pushes
// an update to every open page about every 500 ms over Server-Sent Events, and takes the
// page's view (node, sort, filter, opened process) and actions (send, exit, kill) as JSON
// posts. While the node is alive, each update names the connected nodes; a page that opens
// one of their tabs gets that node's processes, read by rpc (remoteNode.ts).
//
// Refused: anything without the token (403), a Host that is not this server (403: a page on
// another site that resolves its own name to 127.0.0.1 must not reach here), other methods
// (405), unknown paths (404), bodies that are not the JSON expected (400). No CORS headers are
// ever sent, and the Content-Security-Policy allows only this server's own script and style.
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Sampler, type Sample } from './sampler';
import { detailOf, performAction, performRemoteAction } from './actions';
import { RemoteNodeReader } from './remoteNode';
import { rt } from './observerRuntime';
import { buildGraph } from './graph';
import type { ActionReply, ProcessRow, SortKey, Update, View } from './protocol';

/** How often open pages get an update. */
const UPDATE_MS = 500;
/** Process rows sent to a page: the first of its sorted, filtered table. */
const ROWS_SHOWN = 300;
/** A page that has not read this much of its stream is skipped until it catches up. */
const STREAM_BACKLOG_BYTES = 1 << 20;
const BODY_LIMIT_BYTES = 64 * 1024;
/** Pages remembered by their client id. */
const MAX_VIEWS = 64;
/** After the last page closes, the server waits this long for one to (re)open, then stops. */
const IDLE_STOP_MS = 60_000;

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Every path the server answers (with one method each, see handle). */
const PATHS = new Set(['/', '/observer.js', '/observer.css', '/events', '/api/view', '/api/action']);

const SORT_KEYS = new Set<SortKey>(['id', 'pid', 'name', 'initialCall', 'currentFunction', 'module', 'version', 'code', 'status', 'messages', 'reductions', 'memory']);

interface Client {
  response: http.ServerResponse;
  view: View;
  sentSeries: boolean;
  /** The node whose System series this page has (a node's series is sent once, on its first update). */
  sentRemoteSeries: string | null;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class ObserverServer {
  readonly token = randomBytes(24).toString('base64url');
  private readonly server: http.Server;
  private readonly clients = new Map<string, Client>();
  private readonly views = new Map<string, View>();
  private readonly sampler = new Sampler();
  /** The other nodes some page has open, each read while it is. */
  private readonly readers = new Map<string, RemoteNodeReader>();
  private timer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private port = 0;

  /**
   * `onIdle` runs when pages were open and none has been for `idleStopMs`: closing the browser
   * leaves no server behind (a reload reconnects well within the wait).
   */
  constructor(
    private readonly pageDir: string,
    private readonly onIdle: () => void,
    private readonly idleStopMs = IDLE_STOP_MS,
  ) {
    this.server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        if (!response.headersSent) {
          response.writeHead(status, headers('text/plain; charset=utf-8'));
          response.end(`${status} ${http.STATUS_CODES[status]}: ${message}\n`);
        } else {
          response.destroy();
        }
      });
    });
    // Never keeps the thread alive on its own: when the shell ends, so does the server.
    this.server.unref();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.stopUpdates();
    for (const reader of this.readers.values()) reader.close();
    this.readers.clear();
    this.cancelIdleStop();
    for (const client of this.clients.values()) client.response.end();
    this.clients.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Requests still open (a page's fetch, a stalled client) end now rather than at a timeout.
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const host = request.headers.host;
    if (host !== `127.0.0.1:${this.port}` && host !== `localhost:${this.port}`) {
      throw new HttpError(403, `this observer answers only at 127.0.0.1:${this.port}`);
    }
    let url: URL;
    try {
      url = new URL(request.url ?? '/', `http://${host}`);
    } catch {
      throw new HttpError(400, 'malformed request URL');
    }
    if (!this.tokenMatches(url.searchParams.get('token'))) {
      throw new HttpError(403, 'this observer needs the token printed by observer() in the shell (open the whole URL)');
    }
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
        return send(response, 200, 'text/html; charset=utf-8', pageHtml(this.token));
      case 'GET /observer.js':
        return send(response, 200, 'text/javascript; charset=utf-8', await this.asset('observer-page.js'));
      case 'GET /observer.css':
        return send(response, 200, 'text/css; charset=utf-8', await this.asset('observer-page.css'));
      case 'GET /events':
        return this.openStream(clientId(url), response);
      case 'POST /api/view': {
        const view = parseView(await readJson(request));
        const id = clientId(url);
        this.views.set(id, view);
        // Views of pages that never opened their stream are dropped, oldest first.
        if (this.views.size > MAX_VIEWS) this.views.delete(this.views.keys().next().value!);
        const client = this.clients.get(id);
        if (client !== undefined) {
          const opened = view.selected !== null && (view.selected !== client.view.selected || view.node !== client.view.node);
          if (view.node !== client.view.node) client.sentRemoteSeries = null;
          client.view = view;
          this.readRemoteNodes();
          if (opened && view.node !== null) this.readers.get(view.node)?.openDetail(view.selected!);
          const sample = this.sampler.latest();
          if (sample !== undefined) this.push(client, sample);
        }
        return send(response, 200, 'application/json', '{"ok":true}');
      }
      case 'POST /api/action':
        return send(response, 200, 'application/json', JSON.stringify(this.act(await readJson(request))));
      default:
        if (PATHS.has(url.pathname)) {
          throw new HttpError(405, `${request.method} is not accepted at ${url.pathname}`);
        }
        throw new HttpError(404, `nothing at ${url.pathname}`);
    }
  }

  private tokenMatches(given: string | null): boolean {
    if (given === null) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private async asset(name: string): Promise<Buffer> {
    try {
      return await readFile(path.join(this.pageDir, name));
    } catch {
      throw new HttpError(500, `${name} is missing from ${this.pageDir}: run npm run build`);
    }
  }

  private openStream(id: string, response: http.ServerResponse): void {
    response.writeHead(200, { ...headers('text/event-stream; charset=utf-8'), Connection: 'keep-alive' });
    response.write(': observer\n\n');
    const client: Client = { response, view: this.views.get(id) ?? defaultView(), sentSeries: false, sentRemoteSeries: null };
    this.clients.get(id)?.response.end();
    this.clients.set(id, client);
    response.on('close', () => {
      if (this.clients.get(id) === client) {
        this.clients.delete(id);
        this.views.delete(id);
      }
      if (this.clients.size === 0) {
        this.stopUpdates();
        this.cancelIdleStop();
        this.idleTimer = setTimeout(this.onIdle, this.idleStopMs);
        this.idleTimer.unref();
      }
    });
    this.cancelIdleStop();
    this.startUpdates();
    const sample = this.sampler.latest();
    if (sample !== undefined) this.push(client, sample);
  }

  private cancelIdleStop(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Sampling and the message tap run only while some page is open. */
  private startUpdates(): void {
    if (this.timer !== null) return;
    this.sampler.start();
    const tick = (): void => {
      this.readRemoteNodes();
      this.sampler.sample((sample) => this.broadcast(sample));
    };
    this.timer = setInterval(tick, UPDATE_MS);
    this.timer.unref();
    tick();
  }

  private stopUpdates(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    this.sampler.stop();
  }

  /**
   * Reads the nodes whose tabs are open (each no more than once a second, see remoteNode.ts):
   * a node nobody looks at is not called. A node's last reading and its series are kept while
   * it stays connected, for a page that comes back to its tab.
   */
  private readRemoteNodes(): void {
    const connected = new Set(rt().dist.nodes());
    const opened = new Map<string, Set<string>>();
    for (const { view } of this.clients.values()) {
      if (view.node === null || !connected.has(view.node)) continue;
      let pids = opened.get(view.node);
      if (pids === undefined) opened.set(view.node, (pids = new Set()));
      if (view.selected !== null) pids.add(view.selected);
    }
    for (const [node, reader] of this.readers) {
      if (!connected.has(node)) {
        reader.close();
        this.readers.delete(node);
      }
    }
    for (const [node, pids] of opened) {
      let reader = this.readers.get(node);
      if (reader === undefined) this.readers.set(node, (reader = new RemoteNodeReader(node, (read) => this.pushRead(read))));
      reader.refresh(pids);
    }
  }

  /** A node's reading, pushed at once to the pages that look at it. */
  private pushRead(reader: RemoteNodeReader): void {
    const sample = this.sampler.latest();
    if (sample === undefined || this.readers.get(reader.node) !== reader) return;
    for (const client of this.clients.values()) if (client.view.node === reader.node) this.push(client, sample);
  }

  private act(request: unknown): ActionReply {
    const node = typeof request === 'object' && request !== null ? (request as { node?: unknown }).node : undefined;
    if (node === undefined || node === null || node === rt().dist.localNode()) return performAction(request);
    if (typeof node !== 'string') return { ok: false, error: 'the node is a node name or null' };
    if (!rt().dist.nodes().includes(node)) return { ok: false, error: `${node} is not connected` };
    const reader = this.readers.get(node);
    if (reader === undefined) return { ok: false, error: `${node} has not been read yet: open its tab first` };
    return performRemoteAction(request, reader);
  }

  private broadcast(sample: Sample): void {
    const graph = buildGraph(sample);
    for (const client of this.clients.values()) this.push(client, sample, graph);
  }

  private push(client: Client, sample: Sample, graph = buildGraph(sample)): void {
    const response = client.response;
    if (response.writableLength > STREAM_BACKLOG_BYTES) return; // a slow page waits; nobody else does
    const { view } = client;
    const { dist } = rt();
    const reader = view.node === null ? undefined : this.readers.get(view.node);
    const shown = view.node === null ? sample.rows : reader?.rowsRead() ?? [];
    const { rows, matching } = rowsFor(shown, view);
    const update: Update = {
      at: sample.at,
      system: sample.system,
      rows,
      matching,
      total: shown.length,
      modules: sample.modules,
      graph,
      detail: view.selected === null ? null : view.node === null ? detailOf(view.selected, this.sampler) : reader?.detail(view.selected) ?? null,
      nodes: dist.alive() ? [dist.localNode(), ...dist.nodes()] : [],
    };
    if (view.node !== null) {
      update.remote = reader?.state(client.sentRemoteSeries !== view.node) ?? {
        node: view.node, error: `${view.node} is not connected`, readAt: null, readMs: null, unread: 0, system: null,
      };
      if (reader !== undefined) client.sentRemoteSeries = view.node;
    }
    if (!client.sentSeries) {
      update.series = this.sampler.systemSeries();
      client.sentSeries = true;
    }
    response.write(`data: ${JSON.stringify(update)}\n\n`);
  }
}

function headers(contentType: string): http.OutgoingHttpHeaders {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // The token is in the URL: it must not leak through a Referer header.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

function send(response: http.ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  response.writeHead(status, headers(contentType));
  response.end(body);
}

function pageHtml(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>eshell-ts observer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/observer.css?token=${token}">
<script src="/observer.js?token=${token}" defer></script>
</head>
<body><noscript>The observer needs JavaScript.</noscript></body>
</html>
`;
}

function clientId(url: URL): string {
  const id = url.searchParams.get('client');
  if (id === null || !/^[\w-]{1,64}$/.test(id)) throw new HttpError(400, 'the request needs a client id (letters, digits, - and _)');
  return id;
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) throw new HttpError(413, `the request body is larger than ${BODY_LIMIT_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
}

function defaultView(): View {
  return { node: null, sort: 'pid', descending: false, filter: '', selected: null };
}

function parseView(body: unknown): View {
  if (typeof body !== 'object' || body === null) throw new HttpError(400, 'a view is a JSON object');
  const { node = null, sort, descending, filter, selected } = body as Record<string, unknown>;
  if (node !== null && (typeof node !== 'string' || node.length > 255)) throw new HttpError(400, 'node must be a node name or null');
  if (typeof sort !== 'string' || !SORT_KEYS.has(sort as SortKey)) throw new HttpError(400, `cannot sort by ${JSON.stringify(sort)}`);
  if (typeof descending !== 'boolean') throw new HttpError(400, 'descending must be true or false');
  if (typeof filter !== 'string') throw new HttpError(400, 'filter must be a string');
  if (selected !== null && typeof selected !== 'string') throw new HttpError(400, 'selected must be a pid or null');
  // This node's own name is its local tab.
  return { node: node === rt().dist.localNode() ? null : node, sort: sort as SortKey, descending, filter: filter.slice(0, 200), selected };
}

/**
 * The first ROWS_SHOWN rows of a view. A sample's rows are in pid order already (the process
 * table keeps spawn order), so the default view of 10,000 processes costs a slice, not a sort.
 */
function rowsFor(all: ProcessRow[], view: View): { rows: ProcessRow[]; matching: number } {
  if (view.filter.trim() === '' && (view.sort === 'id' || view.sort === 'pid') && !view.descending) {
    return { rows: all.slice(0, ROWS_SHOWN), matching: all.length };
  }
  const matching = filterRows(all, view.filter);
  sortRows(matching, view.sort, view.descending);
  return { rows: matching.slice(0, ROWS_SHOWN), matching: matching.length };
}

function filterRows(rows: ProcessRow[], filter: string): ProcessRow[] {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return [...rows];
  return rows.filter((row) =>
    [row.pid, row.name, row.initialCall, row.currentFunction, row.status, row.module].some((field) => field.toLowerCase().includes(needle)),
  );
}

function sortRows(rows: ProcessRow[], key: SortKey, descending: boolean): void {
  const sign = descending ? -1 : 1;
  const field = key === 'pid' ? 'id' : key;
  rows.sort((a, b) => {
    const x = a[field];
    const y = b[field];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return order === 0 ? a.id - b.id : sign * order;
  });
}
