// Redis memory per registered connection: writes N entries exactly as the registry does (the connection's hash and
// its id in the owner node's set), spread over NODES nodes, and reads used_memory before and after.
//
//   npm run build && node bench/redis-memory.mjs      (N=100000, NODES=100)
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';

const { recordToFields } = await import('../dist/registry/redis/record-fields.js');
const { stageKeys } = await import('../dist/registry/redis/keys.js');
const count = Number(process.env.N ?? 100_000);
const nodes = Number(process.env.NODES ?? 100);

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
await new Promise((resolve) => server.close(resolve));
const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve) => createInterface({ input: child.stdout }).on('line', (line) => /Ready to accept/.test(line) && resolve()));
const redis = new Redis(`redis://127.0.0.1:${port}`);
const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);

// A service and stage name of usual length, ids as AWS's (16 characters), a browser's user agent.
const keys = stageKeys('chat-service', 'prod');
const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const before = await used();
for (let start = 0; start < count; start += 1000) {
  const pipeline = redis.pipeline();
  for (let i = start; i < Math.min(count, start + 1000); i++) {
    const connectionId = `${i.toString(36).padStart(15, 'A')}=`;
    const node = `ip-10-0-${i % nodes}-17-${1000 + (i % nodes)}`;
    const now = Date.now();
    const fields = recordToFields({ connectionId, state: 'open', connectedAt: now, lastActiveAt: now, identity: { sourceIp: '203.0.113.42', userAgent }, domainName: 'abcdef1234.execute-api.eu-west-1.amazonaws.com', authorizer: { principalId: `user-${i}` } }, node);
    pipeline.hset(keys.connection(connectionId), fields).sadd(keys.nodeConnections(node), connectionId);
  }
  await pipeline.exec();
}
const after = await used();
const perConnection = (after - before) / count;
console.log(`Redis ${(await redis.info('server')).match(/redis_version:(\S+)/)[1]}: ${count} connections over ${nodes} nodes take ${((after - before) / 2 ** 20).toFixed(1)} MiB, ${perConnection.toFixed(0)} bytes each; a million: ${((perConnection * 1e6) / 2 ** 30).toFixed(2)} GiB`);
redis.disconnect();
child.kill('SIGTERM');
