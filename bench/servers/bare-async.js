// A bare `ws` server that hands each message to an in-process async function (no isolation) and sends
// back the `body` it returns: what a gateway without separate handler processes could do at best.
import { WebSocketServer } from 'ws';

const handler = async (event) => ({ statusCode: 200, body: event.body });

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (ws) =>
  ws.on('message', async (data) => {
    const result = await handler({ requestContext: { routeKey: 'echo' }, body: data.toString('utf8') });
    ws.send(result.body);
  }),
);
wss.on('listening', () => process.stdout.write(`${JSON.stringify({ port: wss.address().port })}\n`));
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
