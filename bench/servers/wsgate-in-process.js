// Diagnostic, not a baseline of the report: wsgate's gateway on the bench service with its handlers called in
// the gateway's own process (an injected invoker, no isolation, no Lambda runtime). Its CPU per message is the
// gateway's own share of wsgate's cost: `SERVER=wsgate-in-process PROFILE=0 node bench/profile.js echo 100 4`.
import { fileURLToPath } from 'node:url';

const { createGateway, loadService } = await import(process.env.BENCH_WSGATE_DIST ?? '../../dist/index.js');

const serviceDir = fileURLToPath(new URL('../service/', import.meta.url));
const { model } = await loadService({ serviceDir, env: { ...process.env, OFFLINE_ENDPOINT: '' } });
const allow = (methodArn) => ({
  principalId: 'bench',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }] },
});
const invoker = {
  invoke: async (functionKey, event) => ({
    ok: true,
    value: functionKey === 'auth' ? allow(event.methodArn) : { statusCode: 200, body: event.body },
    durationMs: 0,
  }),
  close: async () => {},
};
const gateway = createGateway(model, { port: 0, invoker });
const address = await gateway.listen();
process.stdout.write(`${JSON.stringify({ port: address.port, stage: gateway.stage })}\n`);
process.on('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
