import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ServiceModel } from '../config/model.js';
import { WsgateError } from '../errors.js';
import { createMemoryRegistry } from '../registry/memory.js';
import type { ConnectionRegistry } from '../registry/connection-registry.js';
import type { InvokeResult, Invoker } from '../runtime/invoker.js';
import { createNodeInvoker, type NodeInvokerOptions } from '../runtime/node-invoker.js';
import type { RequestObserver } from './logs/request-record.js';
import { LOCAL_CREDENTIALS } from '../runtime/build-lambda-environment.js';
import { closeConnection } from './connection-handler.js';
import { createConnectionTimers, TIME_LIMIT_CLOSE } from './connection-timers.js';
import { emitRecord, type GatewayState, type LiveConnection } from './gateway-state.js';
import { servingRoutes } from '../config/serving-routes.js';
import { createIdGenerator, deriveApiId, LOCAL_ACCOUNT_ID, type IdGenerator } from './ids.js';
import { resolveLimits, type GatewayLimits } from './limits.js';
import type { ManagementObserver } from './management-record.js';
import { parseRouteSelectionExpression } from './route-selection.js';
import { createGatewayServer, type GatewayServer } from './server.js';
import { createGatewayCertificate, type GatewayCertificate } from './gateway-certificate.js';
import { executeApiHosts, type HostRoute } from '../runtime/host-redirect.js';
import { createInspector, INSPECTOR_PATH, type Inspector, type InspectorOptions } from '../inspector/create-inspector.js';
import { createInspectorActions } from '../inspector/inspector-actions.js';
import type { GatewayRedisOptions } from '../registry/redis/join-redis.js';
import { answerForwardedCall } from './management-api.js';

export interface GatewayOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 3001; 0 picks a free port. */
  port?: number;
  /** Overrides the model's stage in events and paths. */
  stage?: string;
  /** How functions run. Default: the Node runtime (`createNodeInvoker`), closed with the gateway. */
  invoker?: Invoker;
  /** Options of the default Node runtime; `env` is merged with what the gateway sets (NODE_EXTRA_CA_CERTS). */
  runtime?: NodeInvokerOptions;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  ids?: IdGenerator;
  /** Default: an in-memory registry, closed with the gateway. */
  registry?: ConnectionRegistry;
  /** Receive every finished connect, message and disconnect. */
  observers?: readonly RequestObserver[];
  /** Receives every `@connections` call. */
  onManagementRequest?: ManagementObserver;
  /** AWS's quotas are on by default; override any of them here (see `GatewayLimits`). */
  limits?: Partial<GatewayLimits>;
  /**
   * A fast clock for the idle and maximum-duration limits: they run this many times faster than real time
   * (60000 turns AWS's 10 minutes into 10 ms). For tests; default 1.
   */
  timeScale?: number;
  /**
   * Require AWS SigV4 signatures on `@connections` requests, checked against these credentials (plus the local
   * credentials handler processes get, when the gateway runs its own Node runtime). Off by default, as the AWS
   * SDKs always sign but local tools often do not.
   */
  requireSignatures?: { credentials: readonly SigningCredentials[] };
  /**
   * Local servers handler processes of the default runtime reach by AWS host names (the embedded DynamoDB endpoint
   * for SDKs that ignore AWS_ENDPOINT_URL_DYNAMODB), and the certificates (PEM) they serve, which handlers then trust.
   */
  localServices?: { routes: readonly HostRoute[]; certificates: readonly string[] };
  /** Serve TLS on the same port (default true), so `https://${domainName}/${stage}` works from handlers. */
  tls?: boolean;
  /** Default: derived from service and stage. */
  apiId?: string;
  /** Account id in the authorizer's methodArn. Default 123456789012. */
  accountId?: string;
  /** How long `close()` lets clients answer the close handshake before dropping them, ms. Default 2000. */
  closeGraceMs?: number;
  /**
   * Serve the inspector page at `/_wsgate/` on the gateway's port (loopback clients only). Default false; `wsgate dev`
   * turns it on unless `--no-inspector`.
   */
  inspector?: boolean | InspectorOptions;
  /**
   * Serve the stage together with other gateways through this Redis (docs/scale-out.md): connections are registered
   * there and `@connections` calls reach sockets on any node. Ignored when `registry` is given.
   */
  redis?: GatewayRedisOptions;
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface GatewayAddress {
  host: string;
  port: number;
  /** `ws://host:port` */
  url: string;
  /** `ws://host:port/{stage}` */
  stageUrl: string;
  /** `http://host:port/{stage}/@connections` */
  connectionsUrl: string;
  /** `http://host:port/{stage}`: the endpoint for the AWS SDK management clients. */
  managementEndpoint: string;
  /** `http://127.0.0.1:port/_wsgate/` when the inspector is on. */
  inspectorUrl?: string;
}

export interface Gateway {
  listen(): Promise<GatewayAddress>;
  address(): GatewayAddress;
  /** Closes every connection with 1001 `Going away` (running `$disconnect`), then the server and runtime. */
  close(): Promise<void>;
  /** The gateway's certificate (PEM file) when TLS is on and the gateway listens. */
  readonly certificateFile: string | undefined;
  /** The stage served. */
  readonly stage: string;
  readonly apiId: string;
  /** This gateway's node id when it serves the stage with others through Redis. */
  readonly nodeId: string | undefined;
  /** Invokes a function of the service through the gateway's runtime (for event sources beside the WebSocket API). */
  invoke(functionKey: string, event: unknown): Promise<InvokeResult>;
}

/** Close code and reason for connections still open when the gateway shuts down. */
export const SHUTDOWN_CLOSE = { code: 1001, reason: 'Going away' } as const;

export function createGateway(model: ServiceModel, options: GatewayOptions = {}): Gateway {
  const host = options.host ?? '127.0.0.1';
  const stage = options.stage ?? model.stage;
  const routes = servingRoutes(model);
  const expression = parseRouteSelectionExpression(model.websocket.routeSelectionExpression);
  const inspector: Inspector | undefined = options.inspector
    ? createInspector(model, typeof options.inspector === 'object' ? options.inspector : {})
    : undefined;
  const observers = [...(options.observers ?? []), ...(inspector ? [inspector.observer] : [])];
  const pending = new Set<Promise<unknown>>();
  let server: GatewayServer | undefined;
  let certificate: GatewayCertificate | undefined;
  let ownedInvoker: Invoker | undefined;
  let bound: AddressInfo | undefined;
  let closing: Promise<void> | undefined;

  const limits = resolveLimits(options.limits);
  const timeScale = options.timeScale ?? 1;
  if (!(typeof timeScale === 'number' && Number.isFinite(timeScale) && timeScale > 0)) {
    throw new WsgateError({ code: 'GATEWAY_INVALID_LIMIT', message: `timeScale must be a positive number, got ${String(timeScale)}.`, path: 'timeScale' });
  }
  const live: GatewayState['live'] = new Map();
  const timers = createConnectionTimers({
    idleTimeoutMs: limits.idleTimeoutMs,
    maxConnectionMs: limits.maxConnectionMs,
    timeScale,
    connections: () => live.values(),
    onExpired: (connection) => closeConnection(connection as LiveConnection, TIME_LIMIT_CLOSE.code, TIME_LIMIT_CLOSE.reason),
  });

  const state: GatewayState = {
    model,
    stage,
    region: model.region,
    apiId: options.apiId ?? deriveApiId(model.service, stage),
    accountId: options.accountId ?? LOCAL_ACCOUNT_ID,
    invoker: options.invoker ? (inspector?.wrapInvoker(options.invoker) ?? options.invoker) : notListening,
    registry: options.registry ?? createMemoryRegistry(),
    ids: options.ids ?? createIdGenerator(),
    clock: options.clock ?? Date.now,
    limits,
    timers,
    signatureCredentials: collectSignatureCredentials(options),
    expression,
    routes,
    routeKeys: new Set(routes.keys()),
    live,
    fallbackDomainName: () => `${displayHost(host)}:${bound?.port ?? options.port ?? 3001}`,
    observe: (record) => emitRecord(observers, record),
    recording: observers.length > 0,
    observeManagement: (record) => {
      try {
        options.onManagementRequest?.(record);
        inspector?.onManagementRequest(record);
      } catch {
        // Observers never take the gateway down.
      }
    },
    track: (work) => {
      pending.add(work);
      void work.then(
        () => pending.delete(work),
        () => pending.delete(work),
      );
      return work;
    },
    closing: false,
    ...(inspector ? { inspector } : {}),
  };
  inspector?.setActions(createInspectorActions(state));

  const address = (): GatewayAddress => {
    if (!bound) throw new WsgateError({ code: 'GATEWAY_NOT_LISTENING', message: 'The gateway is not listening yet: call listen() first.', userError: false });
    const shown = displayHost(host);
    const origin = `${shown}:${bound.port}`;
    return {
      host,
      port: bound.port,
      url: `ws://${origin}`,
      stageUrl: `ws://${origin}/${stage}`,
      connectionsUrl: `http://${origin}/${stage}/@connections`,
      managementEndpoint: `http://${origin}/${stage}`,
      ...(inspector ? { inspectorUrl: `http://${loopbackHost(host)}:${bound.port}${INSPECTOR_PATH}` } : {}),
    };
  };

  return {
    stage,
    apiId: state.apiId,
    get nodeId() {
      return state.registry.cluster?.nodeId;
    },
    get certificateFile() {
      return certificate?.certFile;
    },
    address,
    invoke: (functionKey, event) => state.invoker.invoke(functionKey, event),
    async listen() {
      if (server) return address();
      if (options.redis && !options.registry) {
        // Loaded only here: a gateway on its own never loads the Redis client.
        const { joinRedis } = await import('../registry/redis/join-redis.js');
        const joined = await joinRedis(model.service, stage, options.redis);
        await state.registry.close();
        state.registry = joined;
        joined.cluster?.serve((call, from) => answerForwardedCall(state, call, from));
      }
      if (options.tls !== false) {
        certificate = await createGatewayCertificate(host, {
          cacheDir: path.join(model.serviceDir, '.wsgate', 'tls'),
          // Handler code may build the API's AWS host name from requestContext.apiId; it reaches this gateway.
          hostnames: [executeApiHostname(state.apiId, state.region)],
          alsoTrust: options.localServices?.certificates ?? [],
        });
      }
      server = createGatewayServer(state, certificate);
      const listener = server.listener;
      await new Promise<void>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) => {
          reject(
            new WsgateError({
              code: 'GATEWAY_LISTEN_FAILED',
              message: err.code === 'EADDRINUSE' ? `Port ${options.port ?? 3001} on ${host} is already in use.` : `Cannot listen on ${host}:${options.port ?? 3001}: ${err.message}`,
              hint: err.code === 'EADDRINUSE' ? 'Stop the other process or pick another port with --port.' : undefined,
              cause: err,
            }),
          );
        };
        listener.once('error', onError);
        listener.listen(options.port ?? 3001, host, () => {
          listener.off('error', onError);
          resolve();
        });
      }).catch(async (err) => {
        await certificate?.dispose();
        server = undefined;
        if (options.redis && !options.registry) await state.registry.close();
        throw err;
      });
      bound = listener.address() as AddressInfo;
      // Created once the port is known (handler processes are told where the API's host names lead), and before
      // any request can arrive: nothing runs between the listen callback and this synchronous creation.
      if (!options.invoker) {
        try {
          ownedInvoker = createNodeInvoker(model, {
            accountId: state.accountId,
            apiId: state.apiId,
            hostRedirect: {
              hosts: executeApiHosts(state.apiId),
              host: connectHost(host),
              port: bound.port,
              ...(certificate ? { caFile: certificate.certFile } : {}),
              routes: options.localServices?.routes ?? [],
            },
            ...options.runtime,
            ...(inspector ? { onLog: teeLog(options.runtime?.onLog, inspector.onHandlerLog), attributeLogs: true } : {}),
            env: { ...(certificate ? { NODE_EXTRA_CA_CERTS: certificate.certFile } : {}), ...options.runtime?.env },
          });
        } catch (err) {
          await new Promise<void>((resolve) => listener.close(() => resolve()));
          server.destroySockets();
          server = undefined;
          bound = undefined;
          await certificate?.dispose();
          throw err;
        }
        state.invoker = inspector ? inspector.wrapInvoker(ownedInvoker) : ownedInvoker;
      }
      timers.start();
      return address();
    },
    close() {
      closing ??= (async () => {
        state.closing = true;
        timers.stop();
        if (!server) {
          await state.registry.close();
          return;
        }
        const { listener, wss } = server;
        const listenerClosed = new Promise<void>((resolve) => listener.close(() => resolve()));
        // Handshakes still running may open connections meanwhile: repeat until nothing is left.
        while (state.live.size > 0 || pending.size > 0) {
          const open = [...state.live.values()];
          for (const live of open) closeConnection(live, SHUTDOWN_CLOSE.code, SHUTDOWN_CLOSE.reason);
          const grace = setTimeout(() => {
            for (const live of open) live.ws.terminate();
          }, options.closeGraceMs ?? 2000);
          await Promise.all(open.map((live) => live.disconnected));
          clearTimeout(grace);
          await Promise.allSettled([...pending]);
        }
        wss.close();
        inspector?.close();
        server.destroySockets();
        await listenerClosed;
        await ownedInvoker?.close();
        if (!options.registry) await state.registry.close();
        await certificate?.dispose();
      })();
      return closing;
    },
  };
}

/** Secret access key by access key id, when signatures are required. */
function collectSignatureCredentials(options: GatewayOptions): Map<string, string> | undefined {
  if (!options.requireSignatures) return undefined;
  const credentials = new Map<string, string>();
  if (!options.invoker) credentials.set(LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY);
  for (const { accessKeyId, secretAccessKey } of options.requireSignatures.credentials) credentials.set(accessKeyId, secretAccessKey);
  return credentials;
}

/** `{apiId}.execute-api.{region}.amazonaws.com`: the API's own host name on AWS. */
export function executeApiHostname(apiId: string, region: string): string {
  return `${apiId}.execute-api.${region}.amazonaws.com`;
}

/** The address a local process connects to for a gateway listening on `host`. */
function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** The inspector answers loopback clients only: its URL names the loopback address of the family listened on. */
function loopbackHost(host: string): string {
  return host === '::' || host === '::1' ? '[::1]' : '127.0.0.1';
}

function teeLog<T>(first: ((entry: T) => void) | undefined, second: (entry: T) => void): (entry: T) => void {
  return (entry) => {
    first?.(entry);
    second(entry);
  };
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

const notListening: Invoker = {
  async invoke() {
    return { ok: false, kind: 'init', error: { errorType: 'Gateway.NotListening', errorMessage: 'the gateway is not listening' }, durationMs: 0 };
  },
  async close() {},
};
