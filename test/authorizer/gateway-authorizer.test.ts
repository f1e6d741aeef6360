import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import type { ServiceModel } from '../../src/config/model.js';
import { createLogObservers, type LogObservers } from '../../src/gateway/logs/create-log-observers.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { recordInvocations } from '../support/test-invoker.js';
import { tryOpenClient } from '../support/ws-client.js';

const serviceDir = fileURLToPath(new URL('../fixtures/services/auth-basic/', import.meta.url));

describe('$connect authorizer through a real gateway (auth-basic)', () => {
  let model: ServiceModel;
  let gw: RunningGateway;
  let invoker: ReturnType<typeof recordInvocations>;
  let logs: LogObservers;
  let logDir: string;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    ({ model } = await loadService({ serviceDir }));
    logDir = await mkdtemp(path.join(tmpdir(), 'wsgate-auth-logs-'));
    invoker = recordInvocations(createNodeInvoker(model, { onLog: () => {} }));
    logs = createLogObservers(model, { logDir, write: (line) => consoleLines.push(line) });
    gw = await startGateway(model, { tls: false, invoker, observers: logs.observers });
  });

  afterAll(async () => {
    await gw?.close();
    await invoker?.close();
    await logs?.close();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  });

  const url = (token?: string) => `${gw.address.stageUrl}${token === undefined ? '' : `?token=${token}`}`;
  const authCalls = () => invoker.calls.filter((call) => call.functionKey === 'auth').length;
  const methodArn = () => `arn:aws:execute-api:eu-west-1:123456789012:${gw.gateway.apiId}/dev/$connect`;

  async function expectRefused(token: string | undefined, headers: Record<string, string>, status: number, reasonPart: string) {
    const result = await tryOpenClient(url(token), { headers });
    expect(result).toMatchObject({ open: false, status });
    const record = await gw.waitForRecord((r) => r.eventType === 'CONNECT' && r.status === status && (r.error?.message ?? '').includes(reasonPart));
    expect(record.functionKey).toBeUndefined();
    return record;
  }

  it('answers 401 without invoking the authorizer when an identity source is missing or empty', async () => {
    const before = authCalls();
    await expectRefused(undefined, { Auth: 'secret' }, 401, 'route.request.querystring.token');
    await expectRefused('allow', {}, 401, 'route.request.header.Auth');
    await expectRefused('', { Auth: 'secret' }, 401, 'route.request.querystring.token');
    expect(authCalls()).toBe(before);
  });

  it('admits on Allow and gives CONNECT, MESSAGE and DISCONNECT the authorizer context', async () => {
    const result = await tryOpenClient(url('allow'), { headers: { auth: 'secret' } });
    if (!result.open) throw new Error(`refused with ${result.status}`);
    const client = result.client;
    const onConnect = JSON.parse(String(client.headers['x-authorizer']));
    const expected = {
      tenant: 'acme',
      level: 3,
      admin: false,
      methodArn: methodArn(),
      type: 'REQUEST',
      connectionHeader: 'upgrade',
      upgradeHeader: 'websocket',
      authHeader: 'secret',
      principalId: 'user-7',
    };
    expect(onConnect).toEqual({ ...expected, integrationLatency: expect.any(Number) });

    client.ws.send(JSON.stringify({ action: 'whoami' }));
    expect(JSON.parse(await client.nextMessage())).toEqual(expected);

    const connectionId = invoker.calls.findLast((call) => call.functionKey === 'connect')!.event.requestContext.connectionId;
    await client.close(1000, 'bye');
    await gw.waitForRecord((r) => r.eventType === 'DISCONNECT' && r.connectionId === connectionId);
    const disconnect = invoker.calls.find((call) => call.functionKey === 'disconnect' && call.event.requestContext.connectionId === connectionId);
    expect(disconnect!.event.requestContext.authorizer).toEqual(expected);
  });

  it('sends the authorizer the REQUEST event AWS sends', async () => {
    const result = await tryOpenClient(url('allow'), { headers: { Auth: 'secret' } });
    if (result.open) await result.client.close(1000, 'bye');
    const event = invoker.calls.findLast((call) => call.functionKey === 'auth')!.event;
    expect(Object.keys(event)).toEqual(['type', 'methodArn', 'headers', 'multiValueHeaders', 'queryStringParameters', 'multiValueQueryStringParameters', 'stageVariables', 'requestContext']);
    expect(event.queryStringParameters).toEqual({ token: 'allow' });
    expect(event.multiValueQueryStringParameters).toEqual({ token: ['allow'] });
    expect(event.stageVariables).toEqual({});
    expect(event.headers).toMatchObject({ Connection: 'upgrade', Upgrade: 'websocket', 'content-length': '0', Auth: 'secret' });
    expect(event.requestContext).toMatchObject({ routeKey: '$connect', eventType: 'CONNECT', stage: 'dev', apiId: gw.gateway.apiId });
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('admits a policy whose Resource matches methodArn through * and ? wildcards', async () => {
    const result = await tryOpenClient(url('wildcard'), { headers: { Auth: 'secret' } });
    expect(result.open).toBe(true);
    if (result.open) {
      expect(JSON.parse(String(result.client.headers['x-authorizer']))).toMatchObject({ principalId: 'user-8' });
      await result.client.close(1000, 'bye');
    }
  });

  it('answers 403 on Deny (which wins over Allow) and when no statement matches methodArn', async () => {
    await expectRefused('deny', { Auth: 'secret' }, 403, 'denies');
    await expectRefused('elsewhere', { Auth: 'secret' }, 403, 'no policy statement allows');
  });

  it('answers 401 when the authorizer fails with Unauthorized', async () => {
    await expectRefused('unauthorized', { Auth: 'secret' }, 401, 'rejected the request');
    const before = gw.records.length;
    await expectRefused('throw-unauthorized', { Auth: 'secret' }, 401, 'rejected the request');
    expect(gw.records.length).toBeGreaterThan(before);
  });

  it('answers 500 when the authorizer throws or returns an invalid result', async () => {
    await expectRefused('throw', { Auth: 'secret' }, 500, 'token service unavailable');
    await expectRefused('object-context', { Auth: 'secret' }, 500, 'context.roles');
    await expectRefused('no-principal', { Auth: 'secret' }, 500, 'principalId');
    await expectRefused('too-big', { Auth: 'secret' }, 500, '8192-byte limit');
  });

  it('runs the authorizer on every connect (no caching)', async () => {
    const before = authCalls();
    for (let i = 0; i < 2; i++) {
      const result = await tryOpenClient(url('allow'), { headers: { Auth: 'secret' } });
      if (result.open) await result.client.close(1000, 'bye');
    }
    expect(authCalls()).toBe(before + 2);
  });

  it('writes access log lines for connect, message and disconnect to the log group file', async () => {
    const result = await tryOpenClient(url('allow'), { headers: { Auth: 'secret' } });
    if (!result.open) throw new Error('refused');
    const client = result.client;
    client.ws.send(JSON.stringify({ action: 'whoami' }));
    await client.nextMessage();
    const connectionId = invoker.calls.findLast((call) => call.functionKey === 'connect')!.event.requestContext.connectionId;
    await client.close(1000, 'bye');
    await gw.waitForRecord((r) => r.eventType === 'DISCONNECT' && r.connectionId === connectionId);
    await logs.close();

    const file = path.join(logDir, 'aws', 'websocket', 'auth-basic-dev.log');
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    const mine = lines.filter((line) => line.connectionId === connectionId);
    expect(mine.map((line) => line.eventType)).toEqual(['CONNECT', 'MESSAGE', 'DISCONNECT']);
    expect(mine[0]).toMatchObject({ routeKey: '$connect', status: '200', principalId: 'user-7', tenant: 'acme', authorizerStatus: '200', error: '-', stage: 'dev', apiId: gw.gateway.apiId, sourceIp: '127.0.0.1' });
    expect(mine[1]).toMatchObject({ routeKey: 'whoami', status: '200', principalId: 'user-7', tenant: 'acme', authorizerStatus: '-' });
    expect(mine[2]).toMatchObject({ routeKey: '$disconnect', principalId: 'user-7', tenant: 'acme' });
    const refused = lines.find((line) => line.status === '403');
    expect(refused).toMatchObject({ eventType: 'CONNECT', authorizerStatus: '403', error: expect.stringContaining('Forbidden') });
    const unauthorized = lines.find((line) => line.status === '401');
    expect(unauthorized).toMatchObject({ eventType: 'CONNECT', principalId: '-', error: expect.stringContaining('Unauthorized') });

    const executionFile = path.join(logDir, `API-Gateway-Execution-Logs_${gw.gateway.apiId}`, 'dev.log');
    const execution = await readFile(executionFile, 'utf8');
    expect(execution).toContain('WebSocket Request Route: [$connect]');
    expect(execution).toContain('Method request body before transformations: {"action":"whoami"}');
    expect(execution).toContain('Unauthorized request:');
    expect(consoleLines.length).toBeGreaterThan(0);
  });
});
