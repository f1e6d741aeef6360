/** One finished `@connections` call, for the dev log. */
export interface ManagementRecord {
  method: string;
  operation: 'PostToConnection' | 'GetConnection' | 'DeleteConnection' | 'Unknown';
  connectionId?: string;
  status: number;
  errorType?: string;
  durationMs: number;
  time: number;
}

export type ManagementObserver = (record: ManagementRecord) => void;
