const { createGateway, loadService } = await import(process.env.BENCH_WSGATE_DIST ?? '../../dist/index.js');
import { fileURLToPath } from 'node:url';
const serviceDir = fileURLToPath(new URL('../service/', import.meta.url));
const { model } = await loadService({ serviceDir, env: { ...process.env, OFFLINE_ENDPOINT: '' } });
const mode = process.env.FAKE || 'plain';
const invoker = {
  invoke: async (key, event) => {
    if (mode === 'json') event = JSON.parse(JSON.stringify(event));
    if (key === 'auth') return { ok: true, value: { principalId: 'x', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] } }, durationMs: 0 };
    return { ok: true, value: { statusCode: 200, body: event.body }, durationMs: 0 };
  },
  close: async () => {},
};
const gateway = createGateway(model, { port: 0, invoker });
const address = await gateway.listen();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
process.on('SIGTERM', () => gateway.close().then(() => process.exit(0)));
