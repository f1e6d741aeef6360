/** The Redis keys of one stage of one service: every node of that API uses the same ones. */
export interface StageKeys {
  /** Prefix of every key and channel: `wsgate:{service}:{stage}:`. */
  prefix: string;
  connection(connectionId: string): string;
  /** The set of connection ids a node owns. */
  nodeConnections(nodeId: string): string;
  /** The node's heartbeat: exists while the node is alive (it expires when the node stops renewing it). */
  node(nodeId: string): string;
  /** The set of node ids that have joined. */
  nodes: string;
  /** Channel of the calls forwarded to a node, and of the answers it gets back. */
  inbox(nodeId: string): string;
}

export function stageKeys(service: string, stage: string): StageKeys {
  const prefix = `wsgate:${service}:${stage}:`;
  return {
    prefix,
    connection: (id) => `${prefix}conn:${id}`,
    nodeConnections: (node) => `${prefix}conns:${node}`,
    node: (node) => `${prefix}node:${node}`,
    nodes: `${prefix}nodes`,
    inbox: (node) => `${prefix}inbox:${node}`,
  };
}
