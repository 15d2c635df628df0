// Which node this runtime is: its name ('nonode@nohost' until distribution starts, as in
// Erlang) and creation (a number that tells this incarnation of a node name from earlier ones,
// so a pid kept from a node's previous life is not mistaken for a process of the new one).
// Local pids and refs carry no node: they always belong to the node as it is now, as BEAM's
// internal pids do. Remote ones carry their node's name.
//
// Remote pids print as erl prints them, `<8012.92.0>`: the first number is an index for the
// node. The distribution layer installs its own numbering with setNodeIndexer; until then each
// node name gets a small number, stable for the life of the runtime.

let localName = 'nonode@nohost';
let localCreation = 0;

/** Called by the distribution layer when it starts (or stops: 'nonode@nohost', 0). */
export function setLocalNode(name: string, creation: number): void {
  localName = name;
  localCreation = creation;
}

export function localNodeName(): string {
  return localName;
}

export function localNodeCreation(): number {
  return localCreation;
}

/** Numbers the nodes for printing pids (`<N.id.serial>`), refs and ports, and back. */
export interface NodeIndexer {
  indexOf(node: string): number;
  nodeAt(index: number): string | undefined;
}

function defaultIndexer(): NodeIndexer {
  const indexes = new Map<string, number>();
  const names: string[] = [];
  return {
    indexOf(node) {
      let index = indexes.get(node);
      if (index === undefined) {
        names.push(node);
        indexes.set(node, (index = names.length));
      }
      return index;
    },
    nodeAt(index) {
      return names[index - 1];
    },
  };
}

let indexer: NodeIndexer = defaultIndexer();

/** The distribution layer's numbering of nodes; `undefined` puts the default back. */
export function setNodeIndexer(next: NodeIndexer | undefined): void {
  indexer = next ?? defaultIndexer();
}

/** The number printed for `node`: 0 for the local node, as erl prints `<0.N.0>`. */
export function nodeIndex(node: string): number {
  return node === localName ? 0 : indexer.indexOf(node);
}

/** The node printed as `index`, if any (for `pid(N, I, S)`). */
export function nodeAtIndex(index: number): string | undefined {
  return index === 0 ? localName : indexer.nodeAt(index);
}
