// The System tab: one chart per figure over the last five minutes, drawn on canvas. For
// another node's tab, the figures read from it by rpc (process count, run queue, memory).
import type { RemoteSystemPoint, SystemPoint, Update } from '../protocol';
import { clearedCanvas, formatBytes, formatCount, h } from './dom';
import type { Tab } from './main';

const KEEP_POINTS = 600;

interface Chart<P> {
  title: string;
  value: (point: P) => number;
  format: (n: number) => string;
  color: string;
}

const CHARTS: Chart<SystemPoint>[] = [
  { title: 'Processes', value: (p) => p.processes, format: formatCount, color: '#1f5fbf' },
  { title: 'Messages / s', value: (p) => p.messagesPerSecond, format: formatCount, color: '#0a7d44' },
  { title: 'Run queue', value: (p) => p.runQueue, format: formatCount, color: '#8a4fbf' },
  { title: 'Heap used', value: (p) => p.heapUsed, format: formatBytes, color: '#b35900' },
  { title: 'Reductions / s', value: (p) => p.reductionsPerSecond, format: formatCount, color: '#b3123c' },
];

const REMOTE_CHARTS: Chart<RemoteSystemPoint>[] = [
  { title: 'Processes', value: (p) => p.processes, format: formatCount, color: '#1f5fbf' },
  { title: 'Run queue', value: (p) => p.runQueue, format: formatCount, color: '#8a4fbf' },
  { title: 'Memory', value: (p) => p.memoryTotal, format: formatBytes, color: '#b35900' },
  { title: 'Memory of processes', value: (p) => p.memoryProcesses, format: formatBytes, color: '#0a7d44' },
];

/** One set of charts and the series they draw. */
class Charts<P extends { at: number }> {
  readonly element = h('section', { class: 'system' });
  series: P[] = [];
  private readonly canvases: HTMLCanvasElement[] = [];
  private readonly values: HTMLElement[] = [];

  constructor(private readonly charts: Chart<P>[]) {
    for (const chart of charts) {
      const canvas = h('canvas', { class: 'chart' });
      const value = h('span', { class: 'value' });
      this.canvases.push(canvas);
      this.values.push(value);
      this.element.append(h('figure', { data: { chart: chart.title } }, h('figcaption', {}, chart.title, value), canvas));
    }
  }

  /** The points so far (`all`, on a stream's first update) or one more. */
  record(all: P[] | undefined, point: P | null): void {
    if (all !== undefined) this.series = [...all];
    // An update pushed again for a page's view change carries the same point.
    else if (point !== null && !(point.at <= (this.series[this.series.length - 1]?.at ?? -Infinity))) this.series.push(point);
    if (this.series.length > KEEP_POINTS) this.series.splice(0, this.series.length - KEEP_POINTS);
  }

  show(): void {
    this.charts.forEach((chart, i) => {
      const last = this.series[this.series.length - 1];
      this.values[i].textContent = last === undefined ? '' : chart.format(chart.value(last));
      draw(this.canvases[i], this.series, chart);
    });
  }
}

export class SystemTab implements Tab {
  readonly element = h('div', { class: 'system-tab' });
  private readonly local = new Charts(CHARTS);
  private readonly remote = new Charts(REMOTE_CHARTS);
  /** The node the remote charts hold (their series start again for another). */
  private remoteNode: string | null = null;

  constructor(private readonly page: { readonly view: { node: string | null } }) {
    this.element.append(this.local.element);
  }

  record(update: Update): void {
    this.local.record(update.series, update.system);
    const remote = update.remote;
    if (remote === undefined) return;
    if (remote.node !== this.remoteNode) {
      this.remoteNode = remote.node;
      this.remote.series = [];
    }
    this.remote.record(remote.series, remote.system);
  }

  show(): void {
    const charts = this.page.view.node === null ? this.local : this.remote;
    if (this.element.firstChild !== charts.element) this.element.replaceChildren(charts.element);
    charts.show();
  }
}

/** The top of a chart's scale: 2, 4, 10, 20, 40, 100…, so that its half is a whole number too. */
function roundUp(value: number): number {
  let step = 2;
  while (step < value) step *= step.toString().startsWith('4') ? 2.5 : 2;
  return step;
}

function draw<P extends { at: number }>(canvas: HTMLCanvasElement, series: P[], chart: Chart<P>): void {
  const surface = clearedCanvas(canvas);
  if (surface === undefined) return;
  const { g, width, height } = surface;
  const values = series.map(chart.value);
  const max = roundUp(Math.max(...values, 0) * 1.1);
  const left = 8;
  const top = 26;
  const plotWidth = width - 16;
  const plotHeight = height - 54;
  g.strokeStyle = '#d0d4da';
  g.lineWidth = 1;
  g.font = '15px system-ui, sans-serif';
  g.fillStyle = '#555';
  for (let k = 0; k <= 2; k++) {
    const y = top + plotHeight - (plotHeight * k) / 2;
    g.beginPath();
    g.moveTo(left, y);
    g.lineTo(left + plotWidth, y);
    g.stroke();
    if (k > 0) g.fillText(chart.format(Math.round((max * k) / 2)), left + 4, y - 4);
  }
  const first = series[0]?.at ?? Date.now();
  const last = series[series.length - 1]?.at ?? first;
  g.fillText(`last ${Math.max(1, Math.round((last - first) / 60000))} min`, left, height - 8);
  if (values.length < 2) return;
  const span = Math.max(1, KEEP_POINTS - 1);
  const x = (i: number) => left + plotWidth - ((values.length - 1 - i) / span) * plotWidth;
  const y = (v: number) => top + plotHeight - (v / max) * plotHeight;
  g.beginPath();
  values.forEach((v, i) => (i === 0 ? g.moveTo(x(i), y(v)) : g.lineTo(x(i), y(v))));
  g.strokeStyle = chart.color;
  g.lineWidth = 3;
  g.stroke();
  g.lineTo(x(values.length - 1), top + plotHeight);
  g.lineTo(x(0), top + plotHeight);
  g.closePath();
  g.globalAlpha = 0.12;
  g.fillStyle = chart.color;
  g.fill();
  g.globalAlpha = 1;
}
