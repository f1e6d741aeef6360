import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

interface CpuTimes {
  idle: number;
  total: number;
}

/** The machine's CPU time since boot, idle and in all, ms summed over its cores. */
function machineCpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

/**
 * Whether one function's instances keep a machine without idle CPU busy. Then another instance would only share
 * the same cores (and add its memory and a cold start), so the pool lets queued invocations wait for a running
 * one instead. Handlers that wait on I/O use little CPU and still scale out, however busy the machine.
 */
export class CpuPressure {
  /** CPU time the instances used, µs, as their runners report it. */
  private usedMicros = 0;
  private sample: { at: number; micros: number; machine: CpuTimes; saturated?: boolean } = {
    at: 0,
    micros: 0,
    machine: { idle: 0, total: 0 },
  };

  record(micros: number): void {
    this.usedMicros += micros;
  }

  /** With `instances` running: true when under 15 % of the machine is idle and they use at least a quarter of it. */
  saturated(instances: number): boolean {
    const cores = availableParallelism();
    const now = performance.now();
    if (instances < cores) {
      // Fewer instances than cores always grow; the measure starts when there are as many.
      this.sample = { at: now, micros: this.usedMicros, machine: machineCpuTimes() };
      return false;
    }
    const elapsedMs = now - this.sample.at;
    // A sample over at least 100 ms: shorter windows hold too few invocations to tell. Until the first one,
    // growth waits.
    if (elapsedMs >= 100) {
      const machine = machineCpuTimes();
      const busyTotal = machine.total - this.sample.machine.total;
      const idleShare = busyTotal > 0 ? (machine.idle - this.sample.machine.idle) / busyTotal : 1;
      const instanceShare = (this.usedMicros - this.sample.micros) / 1000 / (elapsedMs * cores);
      this.sample = { at: now, micros: this.usedMicros, machine, saturated: idleShare < 0.15 && instanceShare >= 0.25 };
    }
    return this.sample.saturated ?? true;
  }
}
