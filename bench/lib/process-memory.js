// Resident memory of a process and all its descendants (handler instances, workers), read from /proc.
import { readdirSync, readFileSync } from 'node:fs';

function readStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), rssPages: Number(fields[21]), cpuTicks: Number(fields[11]) + Number(fields[12]), systemTicks: Number(fields[12]) };
  } catch {
    return undefined;
  }
}

const PAGE = 4096;

/** Every live process's stat, and the children of each pid. */
function readProcessTable() {
  const stats = new Map();
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (!stat) continue;
    const pid = Number(name);
    stats.set(pid, stat);
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(pid);
  }
  return { stats, children };
}

/** The pids below `rootPid`, at any depth. */
function descendantsOf(rootPid, children) {
  const found = [];
  const stack = [...(children.get(rootPid) ?? [])];
  while (stack.length) {
    const pid = stack.pop();
    found.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Bytes resident in `rootPid` alone and in its whole process tree. */
export function measureTreeRss(rootPid) {
  const { stats, children } = readProcessTable();
  const rssOf = (pid) => (stats.get(pid)?.rssPages ?? 0) * PAGE;
  const below = descendantsOf(rootPid, children);
  const tree = below.reduce((sum, pid) => sum + rssOf(pid), rssOf(rootPid));
  return { process: rssOf(rootPid), tree, processes: below.length + 1 };
}

/** CPU seconds (user + system) used so far by `rootPid` and by its descendants (live ones). */
export function measureTreeCpu(rootPid) {
  const { stats, children } = readProcessTable();
  const HZ = 100;
  const descendants = descendantsOf(rootPid, children);
  const seconds = (pids, field) => pids.reduce((total, pid) => total + (stats.get(pid)?.[field] ?? 0), 0) / HZ;
  return {
    process: seconds([rootPid], 'cpuTicks'),
    descendants: seconds(descendants, 'cpuTicks'),
    // The kernel's share (system calls: socket and pipe reads and writes, wake-ups), in the same units.
    processSystem: seconds([rootPid], 'systemTicks'),
    descendantsSystem: seconds(descendants, 'systemTicks'),
  };
}

/**
 * Samples the tree every `intervalMs` inside each window opened with `mark()` and closed by `peak()`, and keeps
 * that window's peak. Only inside windows: reading the process table costs milliseconds, and the bench keeps
 * several servers started at once, of which one is measured at a time.
 */
export function createPeakSampler(rootPid, intervalMs = 100) {
  let peak = 0;
  let timer;
  const sample = () => {
    const { tree } = measureTreeRss(rootPid);
    if (tree > peak) peak = tree;
  };
  return {
    mark() {
      clearInterval(timer);
      peak = 0;
      sample();
      timer = setInterval(sample, intervalMs);
      timer.unref();
    },
    peak() {
      sample();
      clearInterval(timer);
      timer = undefined;
      return peak;
    },
    stop: () => clearInterval(timer),
  };
}
