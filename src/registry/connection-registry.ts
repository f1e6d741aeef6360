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
}

/**
 * Where connections are registered. The in-memory registry is the default; a distributed one (Redis)
 * implements the same interface so several gateway processes can serve one stage.
 */
export interface ConnectionRegistry {
  add(record: ConnectionRecord): Promise<void>;
  get(connectionId: string): Promise<ConnectionRecord | undefined>;
  /** Marks a connection open once `$connect` accepted it. */
  markOpen(connectionId: string): Promise<void>;
  /** Records activity (an inbound message, an `@connections` post). */
  touch(connectionId: string, at: number): Promise<void>;
  remove(connectionId: string): Promise<void>;
  /** Ids of every registered connection. */
  list(): Promise<string[]>;
  close(): Promise<void>;
}
