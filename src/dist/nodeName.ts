// Node names: `alive@host`. Shared by the terminal thread (the prompt shows the node before the
// evaluator is up) and the distribution layer; nothing heavy here.
import os from 'node:os';

export interface NodeNameParts {
  alive: string;
  host: string;
}

export function splitNodeName(node: string): NodeNameParts {
  const at = node.indexOf('@');
  if (at <= 0 || at === node.length - 1) throw new Error(`'${node}' is not a node name (name@host)`);
  return { alive: node.slice(0, at), host: node.slice(at + 1) };
}

/**
 * The full name for `-sname name` (short: the host name up to its first dot, as erl takes it)
 * or `-name name` (long: the host name must be fully qualified). A name with `@` is kept.
 */
export function fullNodeName(name: string, long: boolean): string {
  if (!/^[\w.@-]+$/.test(name) || name.startsWith('@')) throw new Error(`invalid node name '${name}'`);
  if (name.includes('@')) {
    const { host } = splitNodeName(name);
    if (!long && host.includes('.') && !/^\d+(\.\d+){3}$/.test(host)) {
      throw new Error(`Can't set short node name!\nPlease check your configuration`);
    }
    return name;
  }
  const host = os.hostname();
  if (long) {
    if (!host.includes('.')) throw new Error(`Can't set long node name!\nPlease check your configuration`);
    return `${name}@${host}`;
  }
  return `${name}@${host.split('.')[0]}`;
}
