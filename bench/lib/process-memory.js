// Resident memory of a process and all its descendants (handler instances, workers), read from /proc.
import { readdirSync, readFileSync } from 'node:fs';

function readStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), rssPages: Number(fields[21]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

const PAGE = 4096;

/** Bytes resident in `rootPid` alone and in its whole process tree. */
export function measureTreeRss(rootPid) {
  const children = new Map();
  const rss = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (!stat) continue;
    const pid = Number(name);
    rss.set(pid, stat.rssPages * PAGE);
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(pid);
  }
  let tree = 0;
  let count = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    tree += rss.get(pid) ?? 0;
    count++;
    stack.push(...(children.get(pid) ?? []));
  }
  return { process: rss.get(rootPid) ?? 0, tree, processes: count };
}

/** CPU seconds (user + system) used so far by `rootPid` and by its descendants (live ones). */
export function measureTreeCpu(rootPid) {
  const children = new Map();
  const ticks = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (!stat) continue;
    ticks.set(Number(name), stat.cpuTicks);
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(Number(name));
  }
  let descendants = 0;
  const stack = [...(children.get(rootPid) ?? [])];
  while (stack.length) {
    const pid = stack.pop();
    descendants += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  const HZ = 100;
  return { process: (ticks.get(rootPid) ?? 0) / HZ, descendants: descendants / HZ };
}

/** Samples the tree every `intervalMs` and keeps the peak of each window opened with `mark()`. */
export function createPeakSampler(rootPid, intervalMs = 100) {
  let peak = 0;
  const sample = () => {
    const { tree } = measureTreeRss(rootPid);
    if (tree > peak) peak = tree;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    mark() {
      sample();
      peak = 0;
      sample();
    },
    peak() {
      sample();
      return peak;
    },
    stop: () => clearInterval(timer),
  };
}
