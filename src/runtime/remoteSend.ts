// Where a message to another node goes. The runtime knows nothing of networks: the
// distribution layer (src/dist/) installs a router when the node comes alive and removes it
// when it stops. Without one, a message to another node is dropped, as erl drops a message
// it cannot deliver.
import type { Pid } from './pid';

export interface RemoteRouter {
  /** `pid ! message` for a pid of another node (or of an earlier life of this one). */
  sendToPid(to: Pid, message: unknown): void;
  /** `[name, node] ! message` for a node other than this one. */
  sendToName(name: string, node: string, message: unknown): void;
}

let router: RemoteRouter | undefined;

export function setRemoteRouter(next: RemoteRouter | undefined): void {
  router = next;
}

export function remoteRouter(): RemoteRouter | undefined {
  return router;
}
