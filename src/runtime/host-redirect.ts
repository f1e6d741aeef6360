import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Host names handler processes reach a local server by, and where it listens. */
export interface HostRoute {
  /** Host name patterns; a `*` label matches any one label (`abc.execute-api.*.amazonaws.com`). */
  readonly hosts: readonly string[];
  /** The server's address as handler processes connect to it. */
  readonly host: string;
  readonly port: number;
}

/** Host names handler processes reach the local gateway by (and other local services, by their AWS host names). */
export interface HostRedirect extends HostRoute {
  /** Other local servers reached by AWS host names, such as the embedded DynamoDB endpoint's TLS front. */
  readonly routes?: readonly HostRoute[];
  /** The gateway's certificate (PEM), for runtimes that do not read NODE_EXTRA_CA_CERTS. */
  readonly caFile?: string;
}

/** `runtime-support/` at the package root: the same two levels up from `src/runtime/` and `dist/runtime/`. */
const SUPPORT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'runtime-support');
export const NODE_REDIRECT_PRELOAD = path.join(SUPPORT_DIR, 'redirect-hosts.cjs');
export const PYTHON_SITE_DIR = path.join(SUPPORT_DIR, 'python');

/** The API host names of a local API id: any region, as code builds them from `requestContext.apiId`. */
export function executeApiHosts(apiId: string): string[] {
  return [`${apiId}.execute-api.*.amazonaws.com`];
}

/**
 * Adds what makes every handler process (Node through a `--require` preload in NODE_OPTIONS, so Node
 * processes the handler starts too; Python through a `sitecustomize` on PYTHONPATH) connect to the gateway
 * for the redirected host names. The environment's own NODE_OPTIONS and PYTHONPATH are kept after ours.
 */
export function applyHostRedirect(env: Record<string, string>, redirect: HostRedirect): void {
  env.WSGATE_HOST_MAP = [redirect, ...(redirect.routes ?? [])]
    .flatMap((route) => route.hosts.map((pattern) => `${pattern}=${route.host}:${route.port}`))
    .join(',');
  if (redirect.caFile) env.WSGATE_CA_FILE = redirect.caFile;
  const preload = `--require ${JSON.stringify(NODE_REDIRECT_PRELOAD)}`;
  env.NODE_OPTIONS = env.NODE_OPTIONS ? `${preload} ${env.NODE_OPTIONS}` : preload;
  env.PYTHONPATH = env.PYTHONPATH ? `${PYTHON_SITE_DIR}${path.delimiter}${env.PYTHONPATH}` : PYTHON_SITE_DIR;
}
