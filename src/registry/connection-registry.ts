import type { ClusterLink } from './cluster-link.js';

/** What the gateway remembers about a connection, shared by every gateway instance of a stage. */
export interface ConnectionRecord {
  connectionId: string;
  /** `connecting` while the authorizer and `$connect` run: `@connections` answers 410 then. */
  state: 'connecting' | 'open';
  connectedAt: number;
  lastActiveAt: number;
  identity: { sourceIp: string; userAgent?: string };
  domainName: string;
  authorizer?: Readonly<Record<string, string | number | boolean>>;
  /** The gateway node whose socket it is (set by a distributed registry). */
  node?: string;
}

/**
 * Where connections are registered. The in-memory registry is the default; a distributed one (Redis)
 * implements the same interface so several gateway processes can serve one stage.
 */
export interface ConnectionRegistry {
  add(record: ConnectionRecord): Promise<void>;
  get(connectionId: string): Promise<ConnectionRecord | undefined>;
  /** Marks a connection open once `$connect` accepted it, with the authorizer's context if there was one. */
  markOpen(connectionId: string, authorizer?: ConnectionRecord['authorizer']): Promise<void>;
  /** Records activity (an inbound message, an `@connections` post). */
  touch(connectionId: string, at: number): Promise<void>;
  remove(connectionId: string): Promise<void>;
  /** Ids of every registered connection. */
  list(): Promise<string[]>;
  close(): Promise<void>;
  /** Present when other gateway nodes serve the same stage: `@connections` calls reach their sockets through it. */
  readonly cluster?: ClusterLink;
}
