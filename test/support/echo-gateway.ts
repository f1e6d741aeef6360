import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { GatewayOptions } from '../../src/gateway/create-gateway.js';
import { buildModel, type RouteSpec } from './build-model.js';
import { startGateway, type RunningGateway } from './start-gateway.js';
import { createTestInvoker, type TestHandler, type TestInvoker } from './test-invoker.js';
import { openClient, type TestClient } from './ws-client.js';

export interface EchoGateway extends RunningGateway {
  invoker: TestInvoker;
  /** Opens a client on the stage URL and waits for its `$connect`. */
  connect(): Promise<{ client: TestClient; connectionId: string }>;
  /** A new connection still gets its message echoed: the gateway kept serving. */
  expectHealthy(): Promise<void>;
}

/**
 * A gateway whose `$connect` accepts and whose `$default` echoes each message through a route response,
 * with in-process handlers; `extra` adds routes and handlers (or replaces `connect`/`echo`).
 */
export async function startEchoGateway(
  options: GatewayOptions = {},
  extra: { routes?: RouteSpec[]; handlers?: Record<string, TestHandler> } = {},
): Promise<EchoGateway> {
  const invoker = createTestInvoker({
    connect: () => ({ statusCode: 200 }),
    echo: (event) => ({ statusCode: 200, body: event.body }),
    ...extra.handlers,
  });
  const model = buildModel([
    { routeKey: '$connect', functionKey: 'connect' },
    { routeKey: '$default', functionKey: 'echo', routeResponse: true },
    ...(extra.routes ?? []),
  ]);
  const gw = await startGateway(model, { invoker, ...options });
  const connect = async () => {
    const client = await openClient(gw.address.stageUrl);
    const { event } = await invoker.nextInvocation('connect');
    return { client, connectionId: event.requestContext.connectionId as string };
  };
  return {
    ...gw,
    invoker,
    connect,
    async expectHealthy() {
      const { client } = await connect();
      const text = `healthy ${randomBytes(4).toString('hex')}`;
      client.ws.send(text);
      expect(await client.nextMessage()).toBe(text);
      client.ws.close();
      await client.closed;
    },
  };
}
