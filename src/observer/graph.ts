// The Graph tab's nodes and edges, cut from a sample: one node per process while they are
// few enough to read, otherwise one node per initial call (10,000 ring nodes become one node
// "ring:node/1 × 10000"), with links, monitors and sampled messages folded the same way.
import type { Sample } from './sampler';
import type { CodeState, Graph, GraphEdge, GraphNode } from './protocol';

/** Above this many processes the graph groups them by initial call. */
const GRAPH_PROCESS_LIMIT = 150;

export function buildGraph(sample: Sample): Graph {
  const grouped = sample.rows.length > GRAPH_PROCESS_LIMIT;
  const keyOf = new Map<number, string>();
  const nodes = new Map<string, GraphNode>();
  for (const row of sample.rows) {
    const key = grouped ? row.initialCall : String(row.id);
    keyOf.set(row.id, key);
    const node = nodes.get(key);
    if (node === undefined) {
      const label = grouped ? row.initialCall : `${row.name || row.pid}\n${row.currentFunction}`;
      nodes.set(key, { key, label, count: 1, code: row.code });
    } else {
      node.count++;
      node.code = worse(node.code, row.code);
    }
  }
  const edges = new Map<string, GraphEdge>();
  const addEdge = (a: number, b: number, kind: GraphEdge['kind']): void => {
    const from = keyOf.get(a);
    const to = keyOf.get(b);
    if (from === undefined || to === undefined || (grouped && from === to)) return;
    const id = `${kind}\u0000${from}\u0000${to}`;
    const edge = edges.get(id);
    if (edge === undefined) edges.set(id, { from, to, kind, count: 1 });
    else edge.count++;
  };
  for (const [a, b] of sample.links) addEdge(a, b, 'link');
  for (const [a, b] of sample.monitors) addEdge(a, b, 'monitor');
  const messages: [string, string][] = [];
  for (const [from, to] of sample.messages) {
    const a = keyOf.get(from);
    const b = keyOf.get(to);
    if (a !== undefined && b !== undefined) messages.push([a, b]); // a === b: within a group
  }
  return { grouped, nodes: [...nodes.values()], edges: [...edges.values()], messages };
}

/** A group is in old code if any of its processes is. */
function worse(a: CodeState, b: CodeState): CodeState {
  return a === 'old' || b === 'old' ? 'old' : a === 'current' || b === 'current' ? 'current' : '';
}
