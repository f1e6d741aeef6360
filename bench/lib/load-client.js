// The load generator, run as a child process so that it does not share the server's event loop. It gets one
// command over IPC, runs it to completion or to its deadline, and answers with the figures.
//
//   messages  C connections, M messages each, closed loop (one message in flight per connection)
//   churn     connect (through the $connect authorizer) and close, `concurrency` at a time
//   idle      open N connections, report, hold them until told to close
//   broadcast N listeners; one message asks the handler to post to all of them
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const send = (message) => process.send(message);

function openSocket(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

async function openMany(url, count, concurrency) {
  const sockets = [];
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        next++;
        try {
          sockets.push(await openSocket(url));
        } catch {
          failed++;
        }
      }
    }),
  );
  return { sockets, failed };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function closeAll(sockets) {
  return Promise.all(
    sockets.map(
      (ws) =>
        new Promise((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', resolve);
          ws.close(1000);
        }),
    ),
  );
}

async function runMessages({ url, connections, messages, payloadBytes, action, deadlineMs, graceMs }) {
  const { sockets, failed } = await openMany(url, connections, 100);
  const latencies = [];
  let sent = 0;
  let errorFrames = 0;
  let mismatched = 0;
  const start = performance.now();
  const stopSendingAt = start + deadlineMs;
  let lastAnswer = start;
  const pad = 'x'.repeat(Math.max(0, payloadBytes - 40));
  await Promise.all(
    sockets.map(
      (ws, index) =>
        new Promise((resolve) => {
          let seq = 0;
          let expected = '';
          let sentAt = 0;
          let grace;
          const next = () => {
            if (seq >= messages || performance.now() >= stopSendingAt || ws.readyState !== WebSocket.OPEN) return finish();
            expected = `{"action":"${action}","c":${index},"s":${seq++},"p":"${pad}"}`;
            sentAt = performance.now();
            sent++;
            ws.send(expected);
          };
          const finish = () => {
            clearTimeout(grace);
            ws.off('message', onMessage);
            resolve();
          };
          const onMessage = (data) => {
            const now = performance.now();
            const text = data.toString();
            if (text !== expected) {
              if (text.startsWith('{"message"')) errorFrames++;
              else mismatched++;
            } else {
              latencies.push(now - sentAt);
            }
            lastAnswer = now;
            next();
          };
          ws.on('message', onMessage);
          ws.once('close', finish);
          // A message still unanswered this long after the deadline counts as lost.
          grace = setTimeout(finish, deadlineMs + graceMs);
          next();
        }),
    ),
  );
  const answered = latencies.length + errorFrames + mismatched;
  const elapsedMs = lastAnswer - start;
  latencies.sort((a, b) => a - b);
  await closeAll(sockets);
  return {
    connections: sockets.length,
    connectFailures: failed,
    sent,
    answered,
    lost: sent - answered,
    errorFrames,
    mismatched,
    elapsedMs,
    perSecond: elapsedMs > 0 ? (latencies.length * 1000) / elapsedMs : 0,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.length ? latencies[latencies.length - 1] : null,
  };
}

async function runChurn({ url, total, concurrency, deadlineMs }) {
  const start = performance.now();
  const end = start + deadlineMs;
  let started = 0;
  let completed = 0;
  let failed = 0;
  const latencies = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total && performance.now() < end) {
        started++;
        const t0 = performance.now();
        try {
          const ws = await openSocket(url);
          latencies.push(performance.now() - t0);
          await closeAll([ws]);
          completed++;
        } catch {
          failed++;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return {
    completed,
    failed,
    elapsedMs,
    perSecond: (completed * 1000) / elapsedMs,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.length ? latencies[latencies.length - 1] : null,
  };
}

async function runIdle({ url, connections }) {
  const start = performance.now();
  const { sockets, failed } = await openMany(url, connections, 100);
  send({ type: 'opened', connections: sockets.length, failed, elapsedMs: performance.now() - start });
  await new Promise((resolve) => process.once('message', resolve));
  await closeAll(sockets);
  return { connections: sockets.length, failed };
}

async function runBroadcast({ url, listeners, rounds, deadlineMs }) {
  const { sockets, failed } = await openMany(url, listeners + 1, 100);
  const [sender, ...receivers] = sockets;
  const ids = await Promise.all(
    receivers.map(
      (ws) =>
        new Promise((resolve) => {
          ws.once('message', (data) => resolve(data.toString()));
          ws.send('{"action":"whoami"}');
        }),
    ),
  );
  const times = [];
  let lost = 0;
  for (let round = 0; round < rounds; round++) {
    const data = `round-${round}`;
    const t0 = performance.now();
    let missing = receivers.length;
    const done = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), deadlineMs);
      for (const ws of receivers) {
        const onMessage = (message) => {
          if (message.toString() !== data) return;
          ws.off('message', onMessage);
          if (--missing === 0) {
            clearTimeout(timer);
            resolve(true);
          }
        };
        ws.on('message', onMessage);
      }
      sender.send(JSON.stringify({ action: 'broadcast', to: ids, data }));
    });
    for (const ws of receivers) ws.removeAllListeners('message');
    lost += missing;
    if (!done) break;
    times.push(performance.now() - t0);
  }
  await closeAll(sockets);
  times.sort((a, b) => a - b);
  return {
    connections: sockets.length,
    connectFailures: failed,
    rounds: times.length,
    lost,
    p50: percentile(times, 50),
    max: times.length ? times[times.length - 1] : null,
    deliveredPerSecond: times.length ? (receivers.length * 1000) / percentile(times, 50) : 0,
  };
}

const runners = { messages: runMessages, churn: runChurn, idle: runIdle, broadcast: runBroadcast };

process.once('message', async (command) => {
  try {
    const result = await runners[command.kind](command);
    send({ type: 'result', result });
  } catch (err) {
    send({ type: 'error', message: String(err?.stack ?? err) });
  }
  process.disconnect();
});
