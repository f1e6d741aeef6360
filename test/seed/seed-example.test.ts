import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { openClient } from '../support/ws-client.js';

// The Serverless v3 websocket documentation's example: its serverless.yml and its sendMessageToClient
// handler, which builds https://${domainName}/${stage} and posts back with the AWS SDK v2.
const serviceDir = fileURLToPath(new URL('../fixtures/services/gateway-seed/', import.meta.url));
let gw: RunningGateway;

beforeAll(async () => {
  const { model } = await loadService({ serviceDir });
  gw = await startGateway(model, { runtime: { onLog: () => {} } });
});
afterAll(() => gw?.close());

it('echoes the MESSAGE event back to the client through @connections', async () => {
  const client = await openClient(gw.address.stageUrl);
  const body = JSON.stringify({ action: 'anything', text: 'hello seed' });
  client.ws.send(body);
  const echoed = JSON.parse(await client.nextMessage());
  expect(echoed.body).toBe(body);
  expect(echoed.isBase64Encoded).toBe(false);
  expect(echoed.requestContext).toMatchObject({
    routeKey: '$default',
    eventType: 'MESSAGE',
    messageDirection: 'IN',
    stage: 'dev',
    domainName: `127.0.0.1:${gw.address.port}`,
  });
  const connect = gw.records.find((r) => r.eventType === 'CONNECT')!;
  expect(echoed.requestContext.connectionId).toBe(connect.connectionId);
  // The handler's own post is the only frame: no route response is configured.
  const message = await gw.waitForRecord((r) => r.eventType === 'MESSAGE');
  expect(message.status).toBe(200);
  expect(message.responseBody).toBeUndefined();
  expect(gw.management.map((m) => [m.operation, m.status])).toEqual([['PostToConnection', 200]]);
  client.ws.close();
});
