import { mkdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { WsgateError } from '../errors.js';
import { DynamoHttp } from './dynamodb-http.js';
import { createSequenceNumbers } from './stream-record.js';
import type { TableDefinition } from './table-definitions.js';
import { TableStream } from './table-stream.js';
import { WriteCapture, type StreamedTable } from './write-capture.js';
import { applyTables } from './apply-tables.js';
import { transactWrite } from './transact-write.js';
import { sweepExpiredItems, TTL_SWEEP_INTERVAL_MS } from './ttl-sweeper.js';

export interface EmbeddedEndpointOptions {
  /** LevelDB folder of the store. */
  dataDir: string;
  /** Start with an empty store. */
  reset?: boolean;
  host?: string;
  /** Port of the endpoint; 0 picks one. */
  port: number;
  /** When `port` is taken, pick a free one instead of failing (the default port only). */
  fallbackToFreePort?: boolean;
  region: string;
  accountId: string;
  /** How often items past their TTL are deleted, ms (default `TTL_SWEEP_INTERVAL_MS`); 0 never. */
  ttlSweepIntervalMs?: number;
  /** Problems that do not stop the endpoint (a stream record that could not be made). */
  onError?: (message: string) => void;
}

export interface EmbeddedEndpoint {
  /** `http://127.0.0.1:{port}`: the value of AWS_ENDPOINT_URL_DYNAMODB. */
  readonly url: string;
  /** Creates the tables that are missing, replaces those whose keys changed; answers what it did, one line each. */
  applyTables(tables: readonly TableDefinition[]): Promise<string[]>;
  /** Deletes the items whose TTL has passed now (the endpoint also does it every `ttlSweepIntervalMs`); answers how many. */
  sweepExpiredItems(nowMs?: number): Promise<number>;
  /** The stream of a table with a `StreamSpecification`, by table name. */
  streamOf(tableName: string): TableStream | undefined;
  close(): Promise<void>;
}

/**
 * The embedded DynamoDB endpoint: dynalite (the DynamoDB API on LevelDB) on an internal port, behind a proxy that
 * derives the tables' streams from the writes it passes and adds the stream settings to DescribeTable.
 */
export async function startEmbeddedEndpoint(options: EmbeddedEndpointOptions): Promise<EmbeddedEndpoint> {
  if (options.reset) await rm(options.dataDir, { recursive: true, force: true });
  await mkdir(options.dataDir, { recursive: true });
  const store = await startStore(options);
  const storePort = (store.address() as AddressInfo).port;
  const client = new DynamoHttp(storePort);
  const streamed = new Map<string, StreamedTable>();
  const streams = new Map<string, TableStream>();
  const onError = options.onError ?? (() => {});
  const capture = new WriteCapture(client, (name) => streamed.get(name), createSequenceNumbers(), options.region, onError);

  const proxy = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      void handle(request, body).then(
        (answer) => {
          const { connection: _connection, 'keep-alive': _keepAlive, ...headers } = answer.headers;
          response.writeHead(answer.status, headers);
          response.end(answer.body);
        },
        (err: unknown) => {
          onError(`a request to the embedded DynamoDB endpoint failed: ${(err as Error).message}`);
          response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
          response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: (err as Error).message }));
        },
      );
    });
  });

  async function handle(request: http.IncomingMessage, body: Buffer) {
    const send = () => client.forward(request.method ?? 'POST', request.url ?? '/', request.headers, body);
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (operation === 'DescribeTimeToLive') {
      const ttl = definitions.find((definition) => definition.name === (JSON.parse(body.toString('utf8')) as { TableName?: string }).TableName)?.ttlAttribute;
      if (ttl) return jsonAnswer({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: ttl } });
    }
    if (operation === 'TransactWriteItems') return transactWrite(client, capture, JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    if (streamed.size === 0 || (operation !== 'PutItem' && operation !== 'UpdateItem' && operation !== 'DeleteItem' && operation !== 'BatchWriteItem' && operation !== 'DescribeTable')) return send();
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return send();
    }
    if (operation === 'DescribeTable') return describeWithStream(await send(), streamed.get(String(input.TableName)));
    const tables = capture.tablesWritten(operation, input);
    return tables.length === 0 ? send() : capture.capture(operation, input, tables, send);
  }

  const host = options.host ?? '127.0.0.1';
  const port = await listen(proxy, options.port, host).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE' && options.fallbackToFreePort) return listen(proxy, 0, host);
    throw err;
  }).catch(async (err: NodeJS.ErrnoException) => {
    client.close();
    await closeServer(store);
    throw new WsgateError({
      code: 'DYNAMODB_LISTEN_FAILED',
      message: err.code === 'EADDRINUSE' ? `Port ${options.port} on ${host}, asked for the embedded DynamoDB endpoint, is already in use.` : `The embedded DynamoDB endpoint cannot listen on ${host}:${options.port}: ${err.message}`,
      path: '--dynamodb-port',
      hint: 'Pick another port with --dynamodb-port (0 picks a free one), or use your own endpoint with --no-dynamodb.',
      cause: err,
    });
  });

  let definitions: readonly TableDefinition[] = [];
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = (nowMs?: number) => (sweeping = sweeping.then(() => sweepExpiredItems(client, capture, definitions, nowMs)));
  const sweepEvery = options.ttlSweepIntervalMs ?? TTL_SWEEP_INTERVAL_MS;
  const sweeper = sweepEvery > 0 ? setInterval(() => void sweep().catch((err: Error) => onError(`expiring items by TTL failed: ${err.message}`)), sweepEvery) : undefined;
  sweeper?.unref();

  return {
    sweepExpiredItems: (nowMs) => sweep(nowMs) as Promise<number>,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async applyTables(tables) {
      const notes = await applyTables(client, tables);
      definitions = tables;
      streamed.clear();
      for (const definition of tables) {
        if (!definition.streamViewType) continue;
        let stream = streams.get(definition.name);
        if (!stream) streams.set(definition.name, (stream = new TableStream()));
        streamed.set(definition.name, { definition, stream });
      }
      return notes;
    },
    streamOf: (name) => streamed.get(name)?.stream,
    async close() {
      clearInterval(sweeper);
      await sweeping.catch(() => {});
      proxy.closeAllConnections();
      await closeServer(proxy);
      client.close();
      await closeServer(store);
    },
  };
}

/** dynalite reads the account id and region of its ARNs from the environment when its store is made. */
async function startStore(options: EmbeddedEndpointOptions): Promise<http.Server> {
  const saved = { AWS_ACCOUNT_ID: process.env.AWS_ACCOUNT_ID, AWS_REGION: process.env.AWS_REGION };
  process.env.AWS_ACCOUNT_ID = options.accountId;
  process.env.AWS_REGION = options.region;
  let server: http.Server;
  try {
    server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  await listen(server, 0, '127.0.0.1');
  return server;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function jsonAnswer(body: unknown) {
  const text = Buffer.from(JSON.stringify(body));
  const headers: http.IncomingHttpHeaders = { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(text.length) };
  return { status: 200, headers, body: text };
}

/** The store knows nothing of streams: its DescribeTable answer gets the table's stream settings, as DynamoDB's has. */
function describeWithStream(answer: Awaited<ReturnType<DynamoHttp['forward']>>, table: StreamedTable | undefined) {
  if (answer.status !== 200 || !table) return answer;
  const parsed = JSON.parse(answer.body.toString('utf8')) as { Table: Record<string, unknown> };
  const { streamArn, streamViewType } = table.definition;
  parsed.Table.StreamSpecification = { StreamEnabled: true, StreamViewType: streamViewType };
  parsed.Table.LatestStreamArn = streamArn;
  parsed.Table.LatestStreamLabel = streamArn.slice(streamArn.lastIndexOf('/') + 1);
  const body = Buffer.from(JSON.stringify(parsed));
  // The checksum was the store's body's; the SDKs check one only when it is there.
  const headers: http.IncomingHttpHeaders = { ...answer.headers, 'content-length': String(body.length) };
  delete headers['x-amz-crc32'];
  return { status: 200, headers, body };
}
