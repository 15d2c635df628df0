// The Graph tab: processes (or, in large systems, groups of processes with the same initial
// call) as nodes, links and monitors as edges, and sampled messages as dots travelling along
// from sender to receiver. A small force layout on canvas: nodes repel, edges pull, and a node
// keeps its place across updates, so the picture stays still while the system runs.
import type { Graph, GraphNode, Update } from '../protocol';
import { clearedCanvas, h } from './dom';
import type { Page, Tab } from './main';

interface Body {
  node: GraphNode;
  x: number;
  y: number;
  vx: number;
  vy: number;
}

interface Flight {
  from: string;
  to: string;
  start: number;
}

/** How long a message dot takes from sender to receiver. */
const FLIGHT_MS = 700;
const MAX_FLIGHTS = 80;
/** Roughly how wide a node's label is drawn, in pixels. */
function labelWidth(node: GraphNode): number {
  return Math.max(...node.label.split('\n').map((line) => line.length)) * 10;
}

const COLORS = { current: '#1f5fbf', old: '#e07000', '': '#6b7280' } as const;

export class GraphTab implements Tab {
  readonly element: HTMLElement;
  private readonly canvas = h('canvas', { class: 'graph' });
  private readonly caption = h('p', { class: 'caption' });
  private bodies = new Map<string, Body>();
  private graph: Graph | undefined;
  private flights: Flight[] = [];
  private heat = 1;
  private frame = 0;

  constructor(private readonly page: Page) {
    this.element = h('section', { class: 'graph-tab' },
      h('div', { class: 'legend' },
        h('span', { class: 'dot current' }), 'current code ',
        h('span', { class: 'dot old' }), 'old code ',
        h('span', { class: 'dot none' }), 'no module ',
        h('span', { class: 'line link' }), 'link ',
        h('span', { class: 'line monitor' }), 'monitor ',
        h('span', { class: 'dot message' }), 'message',
        this.caption,
      ),
      this.canvas,
    );
    this.canvas.addEventListener('click', (event) => this.click(event));
  }

  /** Every update, visible or not, so that the layout is ready when the tab opens. */
  record(update: Update): void {
    const graph = update.graph;
    const next = new Map<string, Body>();
    let added = false;
    for (const node of graph.nodes) {
      const body = this.bodies.get(node.key);
      if (body !== undefined) {
        body.node = node;
        next.set(node.key, body);
      } else {
        added = true;
        const angle = Math.random() * Math.PI * 2;
        next.set(node.key, { node, x: Math.cos(angle) * 120, y: Math.sin(angle) * 120, vx: 0, vy: 0 });
      }
    }
    if (added || next.size !== this.bodies.size) this.heat = 1;
    this.bodies = next;
    this.graph = graph;
    const now = performance.now();
    graph.messages.forEach(([from, to], i) => {
      if (this.flights.length < MAX_FLIGHTS) this.flights.push({ from, to, start: now + (i * 500) / graph.messages.length });
    });
    this.caption.textContent = graph.grouped
      ? `${graph.nodes.length} groups (processes grouped by initial call)`
      : `${graph.nodes.length} processes`;
  }

  show(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.tick());
  }

  hide(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private tick(): void {
    this.frame = 0;
    if (!this.canvas.isConnected) return;
    for (let i = 0; i < 2; i++) this.simulate();
    this.draw();
    this.frame = requestAnimationFrame(() => this.tick());
  }

  private simulate(): void {
    if (this.heat < 0.005) return;
    const bodies = [...this.bodies.values()];
    for (let i = 0; i < bodies.length; i++) {
      const a = bodies[i];
      for (let j = i + 1; j < bodies.length; j++) {
        const b = bodies[j];
        let dx = a.x - b.x;
        let dy = a.y - b.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 1) {
          dx = Math.random() - 0.5;
          dy = Math.random() - 0.5;
          d2 = 1;
        }
        const d = Math.sqrt(d2);
        // Nodes need room for themselves and their labels (about 10 px a character).
        const room = Math.max(this.radius(a.node) + this.radius(b.node) + 70, (labelWidth(a.node) + labelWidth(b.node)) / 2 + 20);
        const force = 9000 / d2 + (d < room ? (room - d) * 0.5 : 0);
        a.vx += (dx / d) * force;
        a.vy += (dy / d) * force;
        b.vx -= (dx / d) * force;
        b.vy -= (dy / d) * force;
      }
    }
    for (const edge of this.graph?.edges ?? []) {
      const a = this.bodies.get(edge.from);
      const b = this.bodies.get(edge.to);
      if (a === undefined || b === undefined) continue;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const d = Math.max(1, Math.sqrt(dx * dx + dy * dy));
      const pull = (d - 230) * 0.02;
      a.vx += (dx / d) * pull;
      a.vy += (dy / d) * pull;
      b.vx -= (dx / d) * pull;
      b.vy -= (dy / d) * pull;
    }
    for (const body of bodies) {
      body.vx -= body.x * 0.01;
      body.vy -= body.y * 0.01;
      body.x += Math.max(-30, Math.min(30, body.vx * this.heat));
      body.y += Math.max(-30, Math.min(30, body.vy * this.heat));
      body.vx *= 0.5;
      body.vy *= 0.5;
    }
    this.heat *= 0.985;
  }

  private radius(node: GraphNode): number {
    return node.count === 1 ? 26 : 24 + 7 * Math.log2(node.count);
  }

  /** Fits the layout into the canvas: the scale and offset from layout to canvas pixels. */
  private fit(width: number, height: number): { scale: number; cx: number; cy: number } {
    let extent = 1;
    for (const body of this.bodies.values()) extent = Math.max(extent, Math.abs(body.x) + 60, Math.abs(body.y) + 60);
    const scale = Math.min(1.6, Math.min(width, height - 40) / 2 / extent);
    return { scale, cx: width / 2, cy: height / 2 };
  }

  private draw(): void {
    const surface = clearedCanvas(this.canvas);
    if (surface === undefined) return;
    const { g, width, height } = surface;
    const { scale, cx, cy } = this.fit(width, height);
    const at = (body: Body) => ({ x: cx + body.x * scale, y: cy + body.y * scale });

    for (const edge of this.graph?.edges ?? []) {
      const a = this.bodies.get(edge.from);
      const b = this.bodies.get(edge.to);
      if (a === undefined || b === undefined) continue;
      const p = at(a);
      const q = at(b);
      g.beginPath();
      g.setLineDash(edge.kind === 'monitor' ? [10, 8] : []);
      g.strokeStyle = edge.kind === 'monitor' ? '#8a4fbf' : '#7b8494';
      g.lineWidth = Math.min(8, 2.5 + Math.log2(edge.count));
      g.moveTo(p.x, p.y);
      g.lineTo(q.x, q.y);
      g.stroke();
    }
    g.setLineDash([]);

    const now = performance.now();
    this.flights = this.flights.filter((flight) => now - flight.start < FLIGHT_MS);
    for (const flight of this.flights) {
      const t = (now - flight.start) / FLIGHT_MS;
      const a = this.bodies.get(flight.from);
      const b = this.bodies.get(flight.to);
      if (t < 0 || a === undefined || b === undefined) continue;
      const p = at(a);
      const q = at(b);
      if (a === b) {
        // Within a group (or to itself): a ripple round the node.
        g.beginPath();
        g.strokeStyle = `rgba(10, 125, 68, ${1 - t})`;
        g.lineWidth = 3;
        g.arc(p.x, p.y, this.radius(a.node) + 4 + t * 24, 0, Math.PI * 2);
        g.stroke();
        continue;
      }
      g.beginPath();
      g.strokeStyle = 'rgba(10, 125, 68, 0.25)';
      g.lineWidth = 2;
      g.moveTo(p.x, p.y);
      g.lineTo(q.x, q.y);
      g.stroke();
      g.beginPath();
      g.fillStyle = '#0a7d44';
      g.arc(p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t, 8, 0, Math.PI * 2);
      g.fill();
    }

    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const body of this.bodies.values()) {
      const { node } = body;
      const p = at(body);
      const r = this.radius(node);
      g.beginPath();
      g.fillStyle = COLORS[node.code];
      g.strokeStyle = '#ffffff';
      g.lineWidth = 3;
      g.arc(p.x, p.y, r, 0, Math.PI * 2);
      g.fill();
      g.stroke();
      if (node.count > 1) {
        g.fillStyle = '#ffffff';
        g.font = `bold ${Math.round(Math.max(16, r / 3))}px system-ui, sans-serif`;
        g.textBaseline = 'middle';
        g.fillText(node.count.toLocaleString('en-US'), p.x, p.y);
        g.textBaseline = 'top';
      }
      const [first, second] = node.label.split('\n');
      g.fillStyle = '#111827';
      g.font = 'bold 19px system-ui, sans-serif';
      g.fillText(first, p.x, p.y + r + 6);
      if (second !== undefined) {
        g.fillStyle = '#374151';
        g.font = '16px ui-monospace, monospace';
        g.fillText(second, p.x, p.y + r + 29);
      }
    }
  }

  private click(event: MouseEvent): void {
    if (this.graph === undefined || this.graph.grouped) return;
    const rect = this.canvas.getBoundingClientRect();
    const { scale, cx, cy } = this.fit(rect.width, rect.height);
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    for (const body of this.bodies.values()) {
      const dx = cx + body.x * scale - x;
      const dy = cy + body.y * scale - y;
      if (dx * dx + dy * dy <= this.radius(body.node) ** 2) return this.page.openProcess(`<0.${body.node.key}.0>`);
    }
  }
}
