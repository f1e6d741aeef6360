// One measurement per function: each takes a started target and returns plain figures.
import { measureTreeRss } from './process-memory.js';
import { runClient } from './run-client.js';

/** (a)/(b): C connections, closed loop, `action` picks the route (echo: route response; post: @connections). */
export async function measureMessages(target, sampler, { action, connections, messages, payloadBytes, deadlineMs, graceMs }) {
  sampler.mark();
  const result = await runClient({ kind: 'messages', url: target.url, action, connections, messages, payloadBytes, deadlineMs, graceMs });
  return { ...result, peakRss: sampler.peak() };
}

/** (c): connect through the `$connect` authorizer and close again, `concurrency` clients at a time. */
export async function measureChurn(target, sampler, { total, concurrency, deadlineMs }) {
  sampler.mark();
  const result = await runClient({ kind: 'churn', url: target.url, total, concurrency, deadlineMs });
  return { ...result, peakRss: sampler.peak() };
}

/** (d): resident memory before and while `connections` idle connections are open. */
export async function measureIdle(target, { connections }) {
  // Handler instances for $connect and its authorizer start during a first, small wave.
  await runClient({ kind: 'churn', url: target.url, total: 50, concurrency: 10, deadlineMs: 20_000 });
  const before = measureTreeRss(target.pid);
  let after;
  let opened;
  await runClient({ kind: 'idle', url: target.url, connections }, async (message) => {
    opened = message;
    after = measureTreeRss(target.pid);
  });
  const open = opened.connections;
  return {
    connections: open,
    failed: opened.failed,
    openMs: opened.elapsedMs,
    connectsPerSecond: (open * 1000) / opened.elapsedMs,
    processBytesPerConnection: open ? (after.process - before.process) / open : null,
    treeBytesPerConnection: open ? (after.tree - before.tree) / open : null,
    treeAfter: after.tree,
  };
}

/** (e): one message, fanned out by the handler through @connections to `listeners` connections. */
export async function measureBroadcast(target, sampler, { listeners, rounds, deadlineMs }) {
  sampler.mark();
  const result = await runClient({ kind: 'broadcast', url: target.url, listeners, rounds, deadlineMs });
  return { ...result, peakRss: sampler.peak() };
}
