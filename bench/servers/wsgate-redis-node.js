// One node of a scale-out stage: wsgate's gateway on the bench service, logs off, joined through REDIS_URL as
// NODE_ID. Prints {"port"} once listening; SIGTERM closes it.
import { fileURLToPath } from 'node:url';

const { createGateway, loadService } = await import(process.env.BENCH_WSGATE_DIST ?? '../../dist/index.js');

const serviceDir = fileURLToPath(new URL('../service/', import.meta.url));
const { model } = await loadService({ serviceDir, env: { ...process.env, OFFLINE_ENDPOINT: '' } });
const gateway = createGateway(model, { port: 0, runtime: { onLog: () => {} }, redis: { url: process.env.REDIS_URL, nodeId: process.env.NODE_ID } });
const address = await gateway.listen();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
process.on('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
