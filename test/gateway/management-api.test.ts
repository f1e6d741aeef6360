import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import AWS from 'aws-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildModel } from '../support/build-model.js';
import { createTestInvoker, type TestInvoker } from '../support/test-invoker.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { openClient, type TestClient } from '../support/ws-client.js';

let gw: RunningGateway;
let invoker: TestInvoker;
const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };

beforeEach(async () => {
  invoker = createTestInvoker({ connect: () => ({ statusCode: 200 }), disconnect: () => ({ statusCode: 200 }) });
  gw = await startGateway(
    buildModel([
      { routeKey: '$connect', functionKey: 'connect' },
      { routeKey: '$disconnect', functionKey: 'disconnect' },
    ]),
    { invoker, tls: false },
  );
});
afterEach(() => gw.close());

async function connect(headers: Record<string, string> = {}): Promise<{ client: TestClient; connectionId: string }> {
  const client = await openClient(gw.address.stageUrl, { headers });
  const { event } = await invoker.nextInvocation('connect');
  return { client, connectionId: event.requestContext.connectionId };
}

const v3 = () =>
  new ApiGatewayManagementApiClient({ endpoint: `http://127.0.0.1:${gw.address.port}/dev`, region: 'us-east-1', credentials });
const v2 = () =>
  new AWS.ApiGatewayManagementApi({
    apiVersion: '2018-11-29',
    endpoint: `http://127.0.0.1:${gw.address.port}/dev`,
    region: 'us-east-1',
    credentials: new AWS.Credentials(credentials),
  });

describe('@connections with the AWS SDK v3 (spec §5)', () => {
  it('PostToConnection delivers the data as a text frame', async () => {
    const { client, connectionId } = await connect();
    const out = await v3().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('{"hello":"world"}') }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    const frame = await client.nextFrame();
    expect(frame.isBinary).toBe(false);
    expect(frame.data.toString()).toBe('{"hello":"world"}');
    client.ws.close();
  });

  it('PostToConnection of bytes that are not UTF-8 arrives as a binary frame', async () => {
    const { client, connectionId } = await connect();
    await v3().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new Uint8Array([0xff, 0xfe, 0x00]) }));
    const frame = await client.nextFrame();
    expect(frame.isBinary).toBe(true);
    expect([...frame.data]).toEqual([0xff, 0xfe, 0x00]);
    client.ws.close();
  });

  it('GetConnection returns connectedAt, identity and lastActiveAt', async () => {
    const { client, connectionId } = await connect({ 'User-Agent': 'agent/7' });
    const out = await v3().send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(out.ConnectedAt).toBeInstanceOf(Date);
    expect(out.LastActiveAt).toBeInstanceOf(Date);
    expect(out.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'agent/7' });
    expect(Math.abs(out.ConnectedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    client.ws.close();
  });

  it('DeleteConnection answers 204, closes the connection and runs $disconnect', async () => {
    const { client, connectionId } = await connect();
    const out = await v3().send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    await client.closed;
    const { event } = await invoker.nextInvocation('disconnect');
    expect(event.requestContext.connectionId).toBe(connectionId);
  });

  it('raises GoneException for unknown and closed connections', async () => {
    const unknown = await v3()
      .send(new PostToConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=', Data: Buffer.from('x') }))
      .catch((err: unknown) => err);
    expect(unknown).toBeInstanceOf(GoneException);
    expect((unknown as GoneException).name).toBe('GoneException');
    expect((unknown as GoneException).$metadata.httpStatusCode).toBe(410);

    const { client, connectionId } = await connect();
    client.ws.close();
    await invoker.nextInvocation('disconnect');
    const closed = await v3().send(new GetConnectionCommand({ ConnectionId: connectionId })).catch((err: unknown) => err);
    expect((closed as Error).name).toBe('GoneException');
  });
});

describe('@connections with the AWS SDK v2', () => {
  it('postToConnection delivers and a gone connection fails with statusCode 410 / code GoneException', async () => {
    const { client, connectionId } = await connect();
    await v2().postToConnection({ ConnectionId: connectionId, Data: 'from v2' }).promise();
    expect(await client.nextMessage()).toBe('from v2');
    client.ws.close();
    await invoker.nextInvocation('disconnect');
    const err = (await v2()
      .postToConnection({ ConnectionId: connectionId, Data: 'late' })
      .promise()
      .catch((e: unknown) => e)) as AWS.AWSError;
    expect(err.statusCode).toBe(410);
    expect(err.code).toBe('GoneException');
  });

  it('works with the serverless-offline style endpoint without a stage', async () => {
    const { client, connectionId } = await connect();
    const api = new AWS.ApiGatewayManagementApi({ endpoint: `http://127.0.0.1:${gw.address.port}`, region: 'us-east-1', credentials: new AWS.Credentials(credentials) });
    await api.postToConnection({ ConnectionId: connectionId, Data: 'root path' }).promise();
    expect(await client.nextMessage()).toBe('root path');
    const info = await api.getConnection({ ConnectionId: connectionId }).promise();
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    client.ws.close();
  });
});

describe('@connections over plain HTTP', () => {
  it('accepts %40connections, URL-encoded ids and any content type', async () => {
    const { client, connectionId } = await connect();
    const res = await fetch(`http://127.0.0.1:${gw.address.port}/dev/%40connections/${encodeURIComponent(connectionId)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'plain',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await client.nextMessage()).toBe('plain');
    client.ws.close();
  });

  it('answers 410 with x-amzn-ErrorType GoneException for an unknown id', async () => {
    const res = await fetch(`http://127.0.0.1:${gw.address.port}/dev/@connections/nope`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(410);
    expect(res.headers.get('x-amzn-errortype')).toBe('GoneException');
  });

  it('answers 403 {"message":"Forbidden"} for unknown paths and a wrong stage', async () => {
    for (const path of ['/dev/other/abc', '/prod/@connections/abc', '/', '/dev/@connections']) {
      const res = await fetch(`http://127.0.0.1:${gw.address.port}${path}`, { method: 'POST', body: 'x' });
      expect(res.status, path).toBe(403);
      expect(await res.text(), path).toBe('{"message":"Forbidden"}');
    }
  });

  it('answers 413 PayloadTooLargeException above 131072 bytes', async () => {
    const { client, connectionId } = await connect();
    const err = await v3()
      .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new Uint8Array(131073).fill(97) }))
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('PayloadTooLargeException');
    await v3().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new Uint8Array(131072).fill(97) }));
    expect((await client.nextMessage()).length).toBe(131072);
    client.ws.close();
  });
});
