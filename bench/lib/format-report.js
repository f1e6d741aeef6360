// The markdown report of a run: one table per scenario, ratios against the baselines, then the targets.
import { formatMiB, formatNumber, formatRatio, formatSummary, summarize, sum } from './stats.js';

const ORDER = ['bareEcho', 'bareAsync', 'bareProcessHop', 'wsgate', 'offlineInProcess', 'offlineDefault'];
const ms = (v) => (v === null || v === undefined ? '–' : v.toFixed(v < 10 ? 2 : 0));

/** Lost messages, and connections that could not even open (their messages were never sent). */
function formatLost(runs) {
  const lost = sum(runs.map((r) => r.lost));
  const refused = sum(runs.map((r) => r.connectFailures ?? 0));
  return refused ? `${lost} (+${refused} connections refused)` : String(lost);
}

function rate(runs) {
  return summarize(runs.map((r) => r.perSecond));
}

function bestOffline(results, action, connections) {
  const rates = ['offlineInProcess', 'offlineDefault']
    .map((key) => results.targets[key]?.messages?.[action]?.[connections])
    .filter(Boolean)
    .map((runs) => rate(runs).median ?? 0);
  return rates.length ? Math.max(...rates) : undefined;
}

function messagesTable(results, action, title) {
  const lines = [
    `### ${title}`,
    '',
    '| C | server | messages/s median (min–max) | p50 ms | p99 ms | max ms | lost | error frames | peak RSS (tree) | vs bare ws echo | vs best serverless-offline |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const connections of results.settings.levels) {
    const ceiling = results.targets.bareEcho?.messages?.echo?.[connections];
    const ceilingRate = ceiling ? rate(ceiling).median : undefined;
    const offline = bestOffline(results, action, connections);
    for (const key of ORDER) {
      const runs = results.targets[key]?.messages?.[action]?.[connections];
      if (!runs) continue;
      const last = runs[Math.floor(runs.length / 2)];
      const median = rate(runs).median;
      lines.push(
        `| ${connections} | ${results.targets[key].name} | ${formatSummary(rate(runs))} | ${ms(summarize(runs.map((r) => r.p50)).median)} | ${ms(summarize(runs.map((r) => r.p99)).median)} | ${ms(summarize(runs.map((r) => r.max)).max)} | ${formatLost(runs)} | ${sum(runs.map((r) => r.errorFrames + r.mismatched))} | ${formatMiB(Math.max(...runs.map((r) => r.peakRss)))} | ${key === 'bareEcho' ? '1.00×' : formatRatio(median, ceilingRate)} | ${key.startsWith('offline') ? '' : formatRatio(median, offline)} |`,
      );
      void last;
    }
  }
  return lines.join('\n');
}

function churnTable(results) {
  const lines = ['### (c) connect/disconnect churn, $connect authorizer, 10 clients at a time', '', '| server | connects/s median (min–max) | p50 ms | p99 ms | failed | peak RSS (tree) | vs bare ws |', '|---|---:|---:|---:|---:|---:|---:|'];
  const bare = results.targets.bareEcho?.churn;
  const bareRate = bare ? rate(bare).median : undefined;
  for (const key of ORDER) {
    const runs = results.targets[key]?.churn;
    if (!runs) continue;
    lines.push(
      `| ${results.targets[key].name} | ${formatSummary(rate(runs))} | ${ms(summarize(runs.map((r) => r.p50)).median)} | ${ms(summarize(runs.map((r) => r.p99)).median)} | ${sum(runs.map((r) => r.failed))} | ${formatMiB(Math.max(...runs.map((r) => r.peakRss)))} | ${formatRatio(rate(runs).median, bareRate)} |`,
    );
  }
  return lines.join('\n');
}

function idleTable(results) {
  const lines = [`### (d) ${formatNumber(results.settings.idle.connections)} idle connections`, '', '| server | open | connects/s while opening | KiB per connection (server process) | KiB per connection (with children) | RSS with all open (tree) | vs bare ws |', '|---|---:|---:|---:|---:|---:|---:|'];
  const bare = results.targets.bareEcho?.idle?.processBytesPerConnection;
  for (const key of ORDER) {
    const idle = results.targets[key]?.idle;
    if (!idle) continue;
    lines.push(
      `| ${results.targets[key].name} | ${formatNumber(idle.connections)} | ${formatNumber(idle.connectsPerSecond)} | ${formatNumber(idle.processBytesPerConnection / 1024, 1)} | ${formatNumber(idle.treeBytesPerConnection / 1024, 1)} | ${formatMiB(idle.treeAfter)} | ${formatRatio(idle.processBytesPerConnection, bare)} |`,
    );
  }
  return lines.join('\n');
}

function broadcastTable(results) {
  const { listeners, rounds } = results.settings.broadcast;
  const lines = [`### (e) broadcast: one message posted by the handler to ${formatNumber(listeners)} connections (SDK v3), ${rounds} rounds`, '', '| server | fan-out time p50 ms | max ms | deliveries/s | lost | peak RSS (tree) |', '|---|---:|---:|---:|---:|---:|'];
  for (const key of ORDER) {
    const b = results.targets[key]?.broadcast;
    if (!b) continue;
    lines.push(`| ${results.targets[key].name} | ${ms(b.p50)} | ${ms(b.max)} | ${formatNumber(b.deliveredPerSecond)} | ${b.lost} | ${formatMiB(b.peakRss)} |`);
  }
  return lines.join('\n');
}

function verdict(ok) {
  if (ok === undefined) return 'not measured';
  return ok ? '**met**' : '**missed**';
}

/**
 * The ratio of each round's measurements, when both sides have one per round: the servers of a round are measured
 * seconds apart, so these pairs are the like-for-like comparisons (the medians may come from different rounds).
 */
function formatRoundRatios(runs, baselineRuns) {
  if (!runs || !baselineRuns || runs.length < 2 || runs.length !== baselineRuns.length) return '';
  return ` (rounds: ${runs.map((run, i) => (run.perSecond / baselineRuns[i].perSecond).toFixed(2)).join(', ')})`;
}

function targetsTable(results) {
  const t = results.targets;
  const runsOf = (key, action, c) => t[key]?.messages?.[action]?.[c];
  const r = (key, action, c) => (t[key]?.messages?.[action]?.[c] ? rate(t[key].messages[action][c]).median : undefined);
  const lines = ['### Targets', '', '| target | measured | |', '|---|---|---|'];
  const a = r('wsgate', 'echo', 100);
  const ceiling = r('bareEcho', 'echo', 100);
  const echoRounds = (key) => formatRoundRatios(runsOf(key, 'echo', 100), runsOf('bareEcho', 'echo', 100));
  if (a && ceiling) lines.push(`| (a) C=100 ≥ 0.5 × bare ws echo | ${(a / ceiling).toFixed(2)}×${echoRounds('wsgate')} | ${verdict(a / ceiling >= 0.5)} |`);
  // Not a target: what a server pays at least for handlers in processes of their own, for reading (a).
  const hop = r('bareProcessHop', 'echo', 100);
  if (hop && ceiling) lines.push(`| (a), for reference: bare ws + handler process, C=100 | ${(hop / ceiling).toFixed(2)}×${echoRounds('bareProcessHop')} | (the ceiling with process isolation) |`);
  const b = r('wsgate', 'post', 100);
  const offline = bestOffline(results, 'post', 100);
  if (b && offline) lines.push(`| (b) C=100 ≥ 5 × best serverless-offline | ${(b / offline).toFixed(1)}× | ${verdict(b / offline >= 5)} |`);
  const b1000 = t.wsgate?.messages?.post?.[1000];
  if (b1000) {
    const lost = sum(b1000.map((x) => x.lost));
    const errors = sum(b1000.map((x) => x.errorFrames + x.mismatched));
    lines.push(`| (b) C=1,000: no lost message, no error frame | ${lost} lost, ${errors} error frames | ${verdict(lost === 0 && errors === 0)} |`);
  }
  const churn = t.wsgate?.churn && t.bareEcho?.churn ? rate(t.wsgate.churn).median / rate(t.bareEcho.churn).median : undefined;
  if (churn !== undefined) lines.push(`| (c) ≥ 0.7 × bare ws connects/s | ${churn.toFixed(2)}×${formatRoundRatios(t.wsgate.churn, t.bareEcho.churn)} | ${verdict(churn >= 0.7)} |`);
  // Not a target either: the same three invocations (authorizer, $connect, $disconnect) in processes of their own.
  const churnHop = t.bareProcessHop?.churn && t.bareEcho?.churn ? rate(t.bareProcessHop.churn).median / rate(t.bareEcho.churn).median : undefined;
  if (churnHop !== undefined) lines.push(`| (c), for reference: bare ws + handler processes | ${churnHop.toFixed(2)}×${formatRoundRatios(t.bareProcessHop.churn, t.bareEcho.churn)} | (the ceiling with process isolation) |`);
  const idle = t.wsgate?.idle && t.bareEcho?.idle ? t.wsgate.idle.processBytesPerConnection / t.bareEcho.idle.processBytesPerConnection : undefined;
  if (idle !== undefined) lines.push(`| (d) ≤ 2 × bare ws memory per idle connection | ${idle.toFixed(2)}× | ${verdict(idle <= 2)} |`);
  if (results.startup?.length) {
    const listening = summarize(results.startup.map((s) => s.listening)).median;
    lines.push(`| \`wsgate dev\` ready on examples/chat < 500 ms | ${listening.toFixed(0)} ms | ${verdict(listening < 500)} |`);
  }
  if (results.package?.wsgateMs) {
    const ratio = results.package.wsgateMs / results.package.serverlessMs;
    lines.push(`| \`wsgate package\` (100 functions) ≤ 0.2 × \`serverless package\` | ${ratio.toFixed(2)}× | ${verdict(ratio <= 0.2)} |`);
  }
  return lines.join('\n');
}

export function formatReport(results) {
  const m = results.machine;
  const v = results.versions;
  const parts = [
    `## wsgate bench — ${new Date().toISOString().slice(0, 16)}Z${results.quick ? ' (quick run)' : ''}`,
    '',
    `Machine: ${m.cpu}, ${m.memory}, ${m.os}. Node ${m.node}, ws ${v.ws}` +
      (v.serverlessOffline ? `, serverless ${v.serverless}, serverless-offline ${v.serverlessOffline}` : '') +
      `. ${results.runs} run(s) per measurement (serverless-offline: 1), ${results.settings.payloadBytes}-byte messages, ` +
      `deadline ${results.settings.deadlineMs / 1000} s per measurement; whole run ${results.elapsedSeconds} s.`,
    results.offlineSkipped ? `\n${results.offlineSkipped}` : '',
    '',
    messagesTable(results, 'echo', '(a) echo through a route response (`routeResponseSelectionExpression: $default`)'),
    '',
    messagesTable(results, 'post', '(b) echo through `postToConnection` (AWS SDK v3 in the handler)'),
    '',
    churnTable(results),
    '',
    idleTable(results),
    '',
    broadcastTable(results),
    '',
  ];
  if (results.startup?.length) {
    const listening = summarize(results.startup.map((s) => s.listening));
    const first = summarize(results.startup.map((s) => s.firstConnection));
    parts.push(`### Start-up of \`wsgate dev\` on examples/chat (${results.startup.length} runs)`, '', `Spawn to "listening": ${formatSummary(listening)} ms; spawn to the first connection accepted (cold authorizer and $connect handler): ${formatSummary(first)} ms.`, '');
  }
  if (results.package) {
    parts.push(
      '### `wsgate package` against `serverless package`, 100 functions (bench/package.mjs, median of 3)',
      '',
      results.package.error ? `Not measured: ${results.package.error}` : `wsgate ${results.package.wsgateMs} ms, serverless ${results.package.serverlessMs} ms: ${(results.package.wsgateMs / results.package.serverlessMs).toFixed(2)}×.`,
      '',
    );
  }
  for (const [key, entry] of Object.entries(results.targets)) for (const error of entry.errors ?? []) parts.push(`- ${entry.name ?? key}: failed: ${error.split('\n')[0]}`);
  parts.push('', targetsTable(results), '');
  return `${parts.join('\n')}\n`;
}
