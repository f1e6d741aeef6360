// A bare `ws` server that hands each message to an async function in a child process over Node's IPC channel
// (everything queued in one turn of the event loop in one write) and sends back the `body` it returns: the
// least any gateway pays for running handlers in processes of their own, without the Lambda semantics.
// Connections pay the same way: an authorizer and a `$connect` function, each in its own process, one after the
// other before the upgrade completes, and a `$disconnect` function in a third once the socket has closed.
import { fork } from 'node:child_process';
import { WebSocketServer } from 'ws';

const HANDLER_PROCESS = `
const handlers = {
  auth: async (event) => ({ principalId: 'bench', allow: event.token === 'bench' }),
  connect: async () => ({ statusCode: 200 }),
  disconnect: async () => ({ statusCode: 200 }),
  echo: async (event) => ({ statusCode: 200, body: event.body }),
};
const handler = handlers[process.argv[1]];
process.on('message', async (batch) => {
  for (const { id, event } of batch) process.send({ id, value: await handler(event) });
});
`;

/** One function in a child process of its own: `invoke(event)` resolves with what it returned. */
function startFunction(name) {
  const child = fork('-e', [HANDLER_PROCESS, name], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  let nextId = 0;
  let batch = [];
  child.on('message', ({ id, value }) => {
    const resolve = waiting.get(id);
    waiting.delete(id);
    resolve(value);
  });
  const flush = () => {
    child.send(batch);
    batch = [];
  };
  return {
    child,
    invoke(event) {
      const id = nextId++;
      if (batch.length === 0) setImmediate(flush);
      batch.push({ id, event });
      return new Promise((resolve) => waiting.set(id, resolve));
    },
  };
}

const functions = Object.fromEntries(['auth', 'connect', 'disconnect', 'echo'].map((name) => [name, startFunction(name)]));

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  verifyClient: ({ req }, accept) => {
    const token = new URL(req.url, 'http://host').searchParams.get('token');
    functions.auth
      .invoke({ token })
      .then((policy) => (policy.allow ? functions.connect.invoke({ routeKey: '$connect' }) : { statusCode: 401 }))
      .then(({ statusCode }) => accept(statusCode === 200, statusCode));
  },
});
wss.on('connection', (ws) => {
  ws.on('message', (data) =>
    functions.echo.invoke({ requestContext: { routeKey: 'echo' }, body: data.toString('utf8') }).then((value) => ws.send(value.body)),
  );
  ws.on('close', () => void functions.disconnect.invoke({ routeKey: '$disconnect' }));
});
wss.on('listening', () => process.stdout.write(`${JSON.stringify({ port: wss.address().port })}\n`));
process.on('SIGTERM', () => {
  for (const { child } of Object.values(functions)) child.kill();
  wss.close(() => process.exit(0));
});
