// A bare `ws` server that hands each message to an async function in a child process over Node's IPC channel
// (everything queued in one turn of the event loop in one write) and sends back the `body` it returns: the
// least any gateway pays for running handlers in processes of their own, without the Lambda semantics.
import { fork } from 'node:child_process';
import { WebSocketServer } from 'ws';

const HANDLER_PROCESS = `
const handler = async (event) => ({ statusCode: 200, body: event.body });
process.on('message', async (batch) => {
  for (const { id, event } of batch) process.send({ id, value: await handler(event) });
});
`;

const child = fork('-e', [HANDLER_PROCESS], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const waiting = new Map();
let nextId = 0;
let batch = [];
child.on('message', ({ id, value }) => {
  const ws = waiting.get(id);
  waiting.delete(id);
  ws.send(value.body);
});
const flush = () => {
  child.send(batch);
  batch = [];
};

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (ws) =>
  ws.on('message', (data) => {
    const id = nextId++;
    waiting.set(id, ws);
    if (batch.length === 0) setImmediate(flush);
    batch.push({ id, event: { requestContext: { routeKey: 'echo' }, body: data.toString('utf8') } });
  }),
);
wss.on('listening', () => process.stdout.write(`${JSON.stringify({ port: wss.address().port })}\n`));
process.on('SIGTERM', () => {
  child.kill();
  wss.close(() => process.exit(0));
});
