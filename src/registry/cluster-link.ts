/** An `@connections` call as one gateway node hands it to the node that owns the connection. */
export interface ManagementCall {
  method: 'POST' | 'GET' | 'DELETE';
  connectionId: string;
  /** The posted frame (POST only). */
  body?: Buffer;
}

/** The owner's answer, sent back to the node the caller reached: status, JSON body and `x-amzn-ErrorType`. */
export interface ManagementAnswer {
  status: number;
  body: string;
  errorType?: string;
}

export type ForwardResult =
  /** No live node owns the connection: 410 as on AWS. */
  | { kind: 'gone' }
  /** The connection is this node's own (its socket is here, or was). */
  | { kind: 'local' }
  | { kind: 'answered'; node: string; answer: ManagementAnswer };

/** How a gateway node reaches the sockets of the other nodes of its stage. */
export interface ClusterLink {
  readonly nodeId: string;
  /** Hands `call` to the connection's owner and waits for its answer; throws when the cluster cannot tell (Redis down, owner silent). */
  forward(call: ManagementCall): Promise<ForwardResult>;
  /** Serves the calls other nodes forward to this one; `from` is the caller's node. */
  serve(handler: (call: ManagementCall, from: string) => Promise<ManagementAnswer> | ManagementAnswer): void;
}
