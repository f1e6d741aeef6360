import type { ServiceModel } from '../config/model.js';
import type { Invoker } from './invoker.js';

export interface HandlerLogEntry {
  functionKey: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface NodeInvokerOptions {
  /** Extra environment for every handler process, e.g. NODE_EXTRA_CA_CERTS so handlers trust the gateway's TLS certificate. */
  env?: Readonly<Record<string, string>>;
  /** Handler console output, one call per line. Default: printed with the function's name. */
  onLog?: (entry: HandlerLogEntry) => void;
  /** Reload a handler's code for the next invocation when service files change. Default false (the CLI turns it on). */
  watch?: boolean;
  /** Most instances (execution environments) per function. */
  maxInstancesPerFunction?: number;
}

/**
 * The Node.js runtime: each function's handler runs in isolated child processes (one invocation at a time
 * per instance, like a Lambda execution environment). Placeholder until the runtime lands.
 */
export function createNodeInvoker(_model: ServiceModel, _options: NodeInvokerOptions = {}): Invoker {
  return {
    async invoke() {
      return {
        ok: false,
        kind: 'init',
        error: { errorType: 'Runtime.NotImplemented', errorMessage: 'the Node runtime is not implemented yet' },
        durationMs: 0,
      };
    },
    async close() {},
  };
}
