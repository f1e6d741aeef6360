import { isTimeLimitOn } from './limits.js';

/** Close code and reason for the idle and maximum-duration limits (AWS does not document them; serverless-offline's choice). */
export const TIME_LIMIT_CLOSE = { code: 1001, reason: 'Going away' } as const;

/** What the timers need to know of a connection. */
export interface TimedConnection {
  /** Scaled time of the last data message either way (`ConnectionTimers.now` when it happened). */
  activeAt: number;
  /** Scaled time the connection opened. */
  openedAt: number;
  /** Set once the gateway closes the connection. */
  serverClose?: unknown;
}

export interface ConnectionTimers {
  /**
   * Scaled monotonic time, refreshed by each sweep. Recording activity is one assignment
   * (`live.activeAt = timers.now`), so the message path reads no clock and arms no timer.
   */
  now: number;
  /** A fresh reading of the scaled clock. */
  read(): number;
  start(): void;
  stop(): void;
}

export interface ConnectionTimerOptions {
  idleTimeoutMs: number;
  maxConnectionMs: number;
  /** Time runs this many times faster than real time (tests); default 1. */
  timeScale?: number;
  connections: () => Iterable<TimedConnection>;
  onExpired: (connection: TimedConnection, limit: 'idle' | 'duration') => void;
}

/**
 * The idle (10 min) and maximum-duration (2 h) limits, for every connection with one shared sweep instead of
 * one timer per connection. A sweep runs every twentieth of the shortest limit (at most every second), so a
 * connection closes at most 5% (or 1 s) after its limit.
 */
export function createConnectionTimers(options: ConnectionTimerOptions): ConnectionTimers {
  const scale = options.timeScale ?? 1;
  const idleOn = isTimeLimitOn(options.idleTimeoutMs);
  const durationOn = isTimeLimitOn(options.maxConnectionMs);
  const shortest = Math.min(idleOn ? options.idleTimeoutMs : Infinity, durationOn ? options.maxConnectionMs : Infinity);
  const periodMs = Math.max(1, Math.min(1000, shortest / scale / 20));
  let interval: NodeJS.Timeout | undefined;
  const timers: ConnectionTimers = {
    now: performance.now() * scale,
    read: () => performance.now() * scale,
    start() {
      if (interval || !Number.isFinite(shortest)) return;
      interval = setInterval(sweep, periodMs);
      interval.unref();
    },
    stop() {
      clearInterval(interval);
      interval = undefined;
    },
  };
  function sweep(): void {
    const now = (timers.now = timers.read());
    for (const connection of options.connections()) {
      if (connection.serverClose) continue;
      if (idleOn && now - connection.activeAt >= options.idleTimeoutMs) options.onExpired(connection, 'idle');
      else if (durationOn && now - connection.openedAt >= options.maxConnectionMs) options.onExpired(connection, 'duration');
    }
  }
  return timers;
}
