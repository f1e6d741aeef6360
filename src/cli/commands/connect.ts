import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { WebSocket } from 'ws';
import { WsgateError } from '../../errors.js';

interface ConnectOptions {
  header: string[];
  query: string[];
  subprotocol: string[];
  check: boolean;
  wait: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerConnectCommand(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('connect')
    .description('Interactive WebSocket client: sends each line of input as a text frame and prints every frame received')
    .argument('<url>', 'ws:// or wss:// URL, e.g. ws://127.0.0.1:3001/dev')
    .option('-H, --header <name:value>', 'request header for the upgrade (repeatable)', collect, [])
    .option('-q, --query <key=value>', 'query string parameter (repeatable)', collect, [])
    .option('-s, --subprotocol <protocol>', 'subprotocol to ask for (repeatable)', collect, [])
    .option('-n, --no-check', 'do not check the TLS certificate of wss:// URLs')
    .option('-w, --wait <ms>', 'when the input ends, close after this long without a frame (answers still on their way get printed)', '1000')
    .action(async (url: string, options: ConnectOptions) => {
      setExitCode(await runConnect(url, options));
    });
}

async function runConnect(rawUrl: string, options: ConnectOptions): Promise<number> {
  const url = buildUrl(rawUrl, options.query);
  const lingerMs = parseWait(options.wait);
  const headers = parseHeaders(options.header);
  const ws = openWebSocket(url, options.subprotocol, { headers, rejectUnauthorized: options.check });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const info = (line: string) => process.stderr.write(`${line}\n`);

  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      reject(new WsgateError({ code: 'CONNECT_REFUSED', message: `Unexpected server response: ${res.statusCode}`, hint: 'The gateway refused the upgrade ($connect or its authorizer answered this status).' }));
    });
    ws.once('error', (err) => reject(new WsgateError({ code: 'CONNECT_FAILED', message: `Cannot connect to ${url}: ${err.message}`, cause: err })));
  });
  info(`Connected to ${url} (press Ctrl-C to quit)`);

  let linger: NodeJS.Timeout | undefined;
  const closeWhenQuiet = () => {
    clearTimeout(linger);
    linger = setTimeout(() => ws.close(1000), lingerMs);
  };
  ws.on('message', (data, isBinary) => {
    if (linger) closeWhenQuiet();
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    out(isBinary ? `< <binary ${bytes.length} bytes: ${bytes.toString('hex')}>` : `< ${bytes.toString('utf8')}`);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('error', (err) => info(`error: ${err.message}`));

  const input = createInterface({ input: process.stdin, terminal: false });
  input.on('line', (line) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(line);
  });
  input.once('close', () => {
    if (ws.readyState === WebSocket.OPEN) closeWhenQuiet();
  });
  const onSignal = () => ws.close(1000);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const { code, reason } = await closed;
  clearTimeout(linger);
  input.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  info(`Disconnected (code: ${code}, reason: "${reason}")`);
  return 0;
}

/** `ws` and node:http check header names, values and subprotocols as the socket is created: those are the user's flags. */
function openWebSocket(url: string, protocols: string[], options: { headers: Record<string, string>; rejectUnauthorized: boolean }): WebSocket {
  try {
    return new WebSocket(url, protocols, options);
  } catch (err) {
    throw new WsgateError({
      code: 'CLI_INVALID_OPTION',
      message: `Cannot open ${url}: ${err instanceof Error ? err.message : String(err)}`,
      hint: "Header names and subprotocols are HTTP tokens (letters, digits and !#$%&'*+-.^_`|~), given once each; header values are printable text.",
      cause: err,
    });
  }
}

function parseWait(raw: string): number {
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) {
    throw new WsgateError({ code: 'CLI_INVALID_OPTION', message: `--wait must be a whole number of milliseconds, got "${raw}".`, hint: 'For example --wait 0 to close as soon as the input ends.' });
  }
  return ms;
}

function buildUrl(rawUrl: string, query: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new WsgateError({ code: 'CLI_INVALID_OPTION', message: `"${rawUrl}" is not a URL.`, hint: 'Use ws://host:port/stage or wss://…' });
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new WsgateError({ code: 'CLI_INVALID_OPTION', message: `"${rawUrl}" is not a ws:// or wss:// URL.` });
  }
  for (const pair of query) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new WsgateError({ code: 'CLI_INVALID_OPTION', message: `--query "${pair}" must look like key=value.`, path: '--query' });
    url.searchParams.append(pair.slice(0, at), pair.slice(at + 1));
  }
  return url.toString();
}

function parseHeaders(pairs: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf(':');
    if (at <= 0) throw new WsgateError({ code: 'CLI_INVALID_OPTION', message: `--header "${pair}" must look like Name:value.`, path: '--header' });
    headers[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return headers;
}
