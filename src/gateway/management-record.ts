/** One finished `@connections` call, for the dev log. */
export interface ManagementRecord {
  method: string;
  operation: 'PostToConnection' | 'GetConnection' | 'DeleteConnection' | 'Unknown';
  connectionId?: string;
  status: number;
  errorType?: string;
  durationMs: number;
  time: number;
  /** Who called: address, user agent and signing key id (set while the inspector is on). */
  caller?: string;
  /** The node that answered, when the connection is another gateway node's. */
  node?: string;
  /** The caller's node, when another gateway node forwarded the call here. */
  forwardedFrom?: string;
  /** The posted frame as text (set while the inspector is on). */
  body?: string;
}

export type ManagementObserver = (record: ManagementRecord) => void;
