// Diagnostic, not a baseline of the report: wsgate's gateway on the bench service with the service's own handlers
// called in the gateway's process (an injected invoker: no isolation, no Lambda runtime). Its CPU per message is
// the gateway's own share of wsgate's cost: `SERVER=wsgate-in-process PROFILE=0 node bench/profile.js echo 100 4`.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const { createGateway, loadService } = await import(process.env.BENCH_WSGATE_DIST ?? '../../dist/index.js');

const serviceDir = fileURLToPath(new URL('../service/', import.meta.url));
const { model } = await loadService({ serviceDir, env: { ...process.env, OFFLINE_ENDPOINT: '' } });
const handlers = createRequire(import.meta.url)('../service/handler.js');
const invoker = {
  async invoke(functionKey, event) {
    const exportName = model.functions.get(functionKey).handler.split('.').pop();
    try {
      return { ok: true, value: await handlers[exportName](event, {}), durationMs: 0 };
    } catch (err) {
      return { ok: false, kind: 'error', error: { errorType: 'Error', errorMessage: String(err) }, durationMs: 0 };
    }
  },
  close: async () => {},
};
const gateway = createGateway(model, { port: 0, invoker });
const address = await gateway.listen();
process.stdout.write(`${JSON.stringify({ port: address.port, stage: gateway.stage })}\n`);
process.on('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
