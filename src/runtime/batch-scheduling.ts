import { execFile } from 'node:child_process';

/** Set once `chrt` turned out to be missing, or on a platform without SCHED_BATCH: no further attempts. */
let unavailable = process.platform !== 'linux';

/**
 * Puts a handler instance's process under Linux's SCHED_BATCH policy with `chrt` (util-linux), best effort and in
 * the background. The process keeps its share of the CPU, but once woken it no longer preempts the running
 * gateway at once (sched(7)): the gateway finishes its turn of the event loop, and more invocations reach the
 * instance per wake-up. Without `chrt`, or elsewhere than on Linux, nothing changes.
 */
export function preferBatchScheduling(pid: number): void {
  if (unavailable) return;
  execFile('chrt', ['--batch', '--pid', '0', String(pid)], (err) => {
    // Any other failure (the process ended first) concerns this instance only.
    if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') unavailable = true;
  });
}
