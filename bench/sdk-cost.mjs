// CPU time of one AWS SDK v3 PostToConnection call in the calling process, against a trivial HTTP server in
// another process: the floor of what target (b) costs per message in a handler, whatever the emulator.
//   node bench/sdk-cost.mjs [calls=6000]
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';

if (process.argv[2] === '--server') {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Length': 0, 'x-amzn-RequestId': 'bench' }).end());
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
  process.on('disconnect', () => server.close());
} else {
  const calls = Number(process.argv[2] ?? 6000);
  const server = fork(new URL(import.meta.url).pathname, ['--server']);
  const port = await new Promise((resolve) => server.once('message', resolve));
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1' });
  const require = createRequire(import.meta.url);
  const { ApiGatewayManagementApiClient, PostToConnectionCommand } = require('@aws-sdk/client-apigatewaymanagementapi');
  const client = new ApiGatewayManagementApiClient({ endpoint: `http://127.0.0.1:${port}/dev` });
  const post = () => client.send(new PostToConnectionCommand({ ConnectionId: 'L0SM9cOFvHcCIhw=', Data: 'x'.repeat(128) }));
  for (let i = 0; i < 1000; i++) await post();
  for (const concurrency of [1, 10]) {
    let started = 0;
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => { while (started++ < calls) await post(); }));
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - wall) / 1000;
    console.log(`concurrency ${concurrency}: ${(calls / seconds).toFixed(0)} calls/s, ${((used.user + used.system) / calls).toFixed(0)} µs of CPU per call in the caller`);
  }
  server.disconnect();
}
