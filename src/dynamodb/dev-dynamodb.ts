import path from 'node:path';
import type { ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import { LOCAL_ACCOUNT_ID } from '../gateway/ids.js';
import type { InvokeResult } from '../runtime/invoker.js';
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from './embedded-endpoint.js';
import { removeEndpointFile, writeEndpointFile } from './endpoint-file.js';
import { writeBotocorePreload } from './botocore-preload.js';
import { writeSdkV2Preload } from './sdk-v2-preload.js';
import { collectStreamMappings } from './stream-mappings.js';
import { StreamPoller } from './stream-poller.js';
import { collectTables, type TableDefinition } from './table-definitions.js';
import type { HostRoute } from '../runtime/host-redirect.js';
import { DYNAMODB_HOST_PATTERNS, dynamodbHostnames } from './aws-hostnames.js';
import { startTlsFront, type TlsFront } from './tls-front.js';

/** DynamoDB Local's port, so tools set up for it work unchanged. */
export const DEFAULT_DYNAMODB_PORT = 8000;

export interface DevDynamodbOptions {
  /** false with --no-dynamodb. */
  enabled: boolean;
  resetData: boolean;
  /** --dynamodb-port; undefined: 8000, or a free port when 8000 is taken. */
  port?: number;
  print(line: string): void;
  warn(warning: ErrorDetail): void;
  /**
   * The embedded endpoint another process holds (a worker of `wsgate dev --workers`): this one uses it as its
   * own, through its own TLS front, and leaves the tables and their streams to that process.
   */
  shared?: { url: string; holder: string };
}

export interface PreparedDynamodb {
  /** The model with `Ref`/`Fn::GetAtt` of the tables resolved in `environment`. */
  model: ServiceModel;
  /** Variables for every handler process. */
  env: Record<string, string>;
  /** Lines for the start-up banner. */
  banner: string[];
  /** What handler processes reach DynamoDB's AWS host names by, and the certificate they trust for it. */
  localServices: { routes: HostRoute[]; certificates: string[] };
  /** Starts the stream event source mappings; answers how to stop them. */
  startStreams(invoke: (functionKey: string, event: unknown) => Promise<InvokeResult>): () => Promise<void>;
}

/**
 * The DynamoDB side of `wsgate dev`: one embedded endpoint for the life of the process (a config reload keeps it and
 * its data, and stream positions), brought in line with the tables of each configuration loaded.
 */
export function createDevDynamodb(options: DevDynamodbOptions) {
  let endpoint: EmbeddedEndpoint | undefined;
  let front: TlsFront | undefined;
  let serviceDir: string | undefined;
  const checkpoints = new Map<string, number>();
  const ownEndpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;

  async function prepare(loaded: ServiceModel): Promise<PreparedDynamodb> {
    const tables = collectTables(loaded, LOCAL_ACCOUNT_ID);
    // Ref and Fn::GetAtt of the tables in environment are evaluated with the rest of the intrinsics (src/config/intrinsics/).
    const model = loaded;
    const { mappings, warnings } = collectStreamMappings(loaded, tables);
    const idle: PreparedDynamodb = { model, env: {}, banner: [], localServices: { routes: [], certificates: [] }, startStreams: () => async () => {} };
    if (!options.enabled || ownEndpoint) {
      for (const mapping of mappings) options.warn({ code: 'DYNAMODB_STREAM_NOT_RUN', message: `stream event of function '${mapping.functionKey}' does not run: the embedded DynamoDB endpoint is off (${ownEndpoint ? 'AWS_ENDPOINT_URL_DYNAMODB is set' : '--no-dynamodb'})` });
      const env: Record<string, string> = ownEndpoint ? { AWS_ENDPOINT_URL_DYNAMODB: ownEndpoint } : {};
      return { ...idle, env, banner: tables.length > 0 ? [`  DynamoDB:     ${ownEndpoint ? `your endpoint ${ownEndpoint}` : 'embedded endpoint off (--no-dynamodb)'}`] : [] };
    }
    if (tables.length === 0 && !endpoint) return idle;
    const wsgateDir = path.join(loaded.serviceDir, '.wsgate');
    if (options.shared) return prepareShared(loaded, wsgateDir, options.shared, tables);
    for (const warning of warnings) options.warn(warning);
    if (!endpoint) {
      endpoint = await startEmbeddedEndpoint({
        dataDir: path.join(wsgateDir, 'dynamodb'),
        reset: options.resetData,
        port: options.port ?? DEFAULT_DYNAMODB_PORT,
        fallbackToFreePort: options.port === undefined,
        region: loaded.region,
        accountId: LOCAL_ACCOUNT_ID,
        onError: (message) => options.print(`DynamoDB: ${message}`),
      });
      serviceDir = loaded.serviceDir;
      await writeEndpointFile(serviceDir, endpoint.url);
      front = await startTlsFront(Number(new URL(endpoint.url).port), { hostnames: dynamodbHostnames(loaded.region), cacheDir: path.join(wsgateDir, 'tls-dynamodb') });
    }
    const running = endpoint;
    const routes = front ? [{ hosts: DYNAMODB_HOST_PATTERNS, host: '127.0.0.1', port: front.port }] : [];
    for (const note of await running.applyTables(tables)) options.print(`DynamoDB: ${note}`);
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: running.url,
      // For the SDKs that ignore AWS_ENDPOINT_URL_DYNAMODB: JavaScript v2, and botocore before 1.31.
      NODE_OPTIONS: await writeSdkV2Preload(wsgateDir),
      PYTHONPATH: await writeBotocorePreload(wsgateDir),
    };
    return {
      model,
      env,
      banner: [`  DynamoDB:     ${running.url}  (${describeTables(tables)}; data in .wsgate/dynamodb)`],
      // SDKs that ignore AWS_ENDPOINT_URL_DYNAMODB call https://dynamodb.{region}.amazonaws.com: it leads here too.
      localServices: { routes, certificates: front ? [front.certificate] : [] },
      startStreams(invoke) {
        const pollers = mappings.map((mapping) => new StreamPoller(mapping, running.streamOf(mapping.tableName)!, checkpoints, { invoke, log: options.print }));
        return async () => void (await Promise.all(pollers.map((poller) => poller.stop())));
      },
    };
  }

  async function prepareShared(model: ServiceModel, wsgateDir: string, shared: NonNullable<DevDynamodbOptions['shared']>, tables: readonly TableDefinition[]): Promise<PreparedDynamodb> {
    front ??= await startTlsFront(Number(new URL(shared.url).port), { hostnames: dynamodbHostnames(model.region), cacheDir: path.join(wsgateDir, 'tls-dynamodb') });
    return {
      model,
      env: { AWS_ENDPOINT_URL_DYNAMODB: shared.url, NODE_OPTIONS: await writeSdkV2Preload(wsgateDir), PYTHONPATH: await writeBotocorePreload(wsgateDir) },
      banner: [`  DynamoDB:     ${shared.url}  (${describeTables(tables)}; held by ${shared.holder}, which runs their streams)`],
      localServices: { routes: [{ hosts: DYNAMODB_HOST_PATTERNS, host: '127.0.0.1', port: front.port }], certificates: [front.certificate] },
      startStreams: () => async () => {},
    };
  }

  return {
    prepare,
    async close(): Promise<void> {
      await front?.close();
      front = undefined;
      await endpoint?.close();
      endpoint = undefined;
      if (serviceDir) await removeEndpointFile(serviceDir);
    },
  };
}

export type DevDynamodb = ReturnType<typeof createDevDynamodb>;

function describeTables(tables: readonly TableDefinition[]): string {
  return tables.map((table) => (table.streamViewType ? `${table.name} with stream` : table.name)).join(', ') || 'no tables';
}
