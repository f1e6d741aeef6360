// wsgate's gateway on bench/python-service (a Node and a Python echo route), in a process of its own as
// serverless-offline runs in its own: the bench's clients then cost neither server any of its time.
import { buildModel } from '../lib/python-service-model.js';

const { createGateway } = await import(process.env.BENCH_WSGATE_DIST ?? '../../dist/index.js');
const gateway = createGateway(buildModel(true), { host: '127.0.0.1', port: 0, tls: false, runtime: { onLog: () => {} } });
const address = await gateway.listen();
process.stdout.write(`${JSON.stringify({ port: address.port, stage: gateway.stage })}\n`);
process.on('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
