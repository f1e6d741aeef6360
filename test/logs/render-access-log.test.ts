import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT } from '../../src/config/model.js';
import { isWsgateError, WsgateError } from '../../src/errors.js';
import { ACCESS_LOG_VARIABLES } from '../../src/gateway/logs/access-log-variables.js';
import { parseAccessLogFormat, renderAccessLog } from '../../src/gateway/logs/render-access-log.js';
import { connectRecord, disconnectRecord, forbiddenMessageRecord, messageRecord } from './records.js';

const render = (format: string, record = connectRecord) => renderAccessLog(parseAccessLogFormat(format), record);

function catchError(fn: () => unknown): WsgateError {
  try {
    fn();
  } catch (err) {
    if (isWsgateError(err)) return err;
    throw err;
  }
  throw new Error('expected a WsgateError');
}

describe('the default format (Serverless v3)', () => {
  it('is the exact string Serverless v3 sets on the stage', () => {
    expect(DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT).toBe(
      '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.eventType $context.routeKey $context.connectionId" $context.requestId',
    );
  });

  it('renders one line per connect, message and disconnect, with - for caller and user', () => {
    expect(render(DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT, connectRecord)).toBe(
      '166.90.225.1 - - [11/Nov/2024:11:35:24 +0000] "CONNECT $connect BFHPhfCWIAMCKlQ=" BFHPhFe3IAMF95g=',
    );
    expect(render(DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT, messageRecord)).toBe(
      '166.90.225.1 - - [11/Nov/2024:13:45:46 +0000] "MESSAGE chat BFHPhfCWIAMCKlQ=" BFaVtH2HoAMFZEQ=',
    );
    expect(render(DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT, disconnectRecord)).toBe(
      '166.90.225.1 - - [11/Nov/2024:13:46:01 +0000] "DISCONNECT $disconnect BFHPhfCWIAMCKlQ=" BFaXzGt4oAMFdsA=',
    );
  });
});

describe('a custom JSON format', () => {
  const format = JSON.stringify({
    requestId: '$context.requestId',
    extendedRequestId: '$context.extendedRequestId',
    apiId: '$context.apiId',
    stage: '$context.stage',
    domainName: '$context.domainName',
    connectionId: '$context.connectionId',
    connectedAt: '$context.connectedAt',
    eventType: '$context.eventType',
    routeKey: '$context.routeKey',
    messageId: '$context.messageId',
    status: '$context.status',
    requestTime: '$context.requestTime',
    requestTimeEpoch: '$context.requestTimeEpoch',
    ip: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integration.status',
    principalId: '$context.authorizer.principalId',
    tenant: '$context.authorizer.tenant',
    level: '$context.authorizer.level',
    admin: '$context.authorizer.admin',
    authorizerLatency: '$context.authorizer.latency',
    error: '$context.error.message',
    errorString: '$context.error.messageString',
    responseType: '$context.error.responseType',
  }).replace('"$context.error.messageString"', '$context.error.messageString');

  it('substitutes every variable for a routed message', () => {
    expect(JSON.parse(render(format, messageRecord))).toEqual({
      requestId: 'BFaVtH2HoAMFZEQ=',
      extendedRequestId: 'BFaVtH2HoAMFZEQ=',
      apiId: 'fjnq7njcv2',
      stage: 'prod',
      domainName: 'fjnq7njcv2.execute-api.us-east-1.amazonaws.com',
      connectionId: 'BFHPhfCWIAMCKlQ=',
      connectedAt: '1731324924553',
      eventType: 'MESSAGE',
      routeKey: 'chat',
      messageId: 'BFaVtfGSIAMCKug=',
      status: '200',
      requestTime: '11/Nov/2024:13:45:46 +0000',
      requestTimeEpoch: '1731332746514',
      ip: '166.90.225.1',
      userAgent: 'ws/8',
      integrationLatency: '25',
      integrationStatus: '200',
      principalId: 'user-7',
      tenant: 'acme',
      level: '3',
      admin: 'false',
      authorizerLatency: '12',
      error: '-',
      errorString: '-',
      responseType: '-',
    });
  });

  it('renders - for what a CONNECT or a rejected message does not have', () => {
    expect(JSON.parse(render(format, connectRecord)).messageId).toBe('-');
    const forbidden = JSON.parse(render(format, forbiddenMessageRecord));
    expect(forbidden).toMatchObject({
      status: '403',
      error: 'Forbidden',
      errorString: 'Forbidden',
      responseType: 'DEFAULT_4XX',
      integrationLatency: '-',
      principalId: '-',
      tenant: '-',
    });
  });

  it('prints latencies in whole milliseconds', () => {
    const record = { ...messageRecord, integration: { status: 200, latency: 25.6 }, authorizer: { status: 200, latency: 11.2 } };
    expect(render('$context.requestId $context.integrationLatency $context.integration.latency $context.authorizer.latency', record)).toBe('BFaVtH2HoAMFZEQ= 26 26 11');
  });

  it('quotes error.messageString', () => {
    expect(render('$context.requestId $context.error.messageString', forbiddenMessageRecord)).toBe('BFaVtH2HoAMFZEQ= "Forbidden"');
  });
});

describe('format validation', () => {
  it('knows every variable AWS documents for WebSocket access logs', () => {
    for (const name of ['connectionId', 'eventType', 'routeKey', 'messageId', 'integration.error', 'integrationStatus', 'authorize.status', 'identity.userArn']) {
      expect(Object.hasOwn(ACCESS_LOG_VARIABLES, name)).toBe(true);
    }
  });

  it('rejects unknown variables, naming the config path and file', () => {
    const err = catchError(() => parseAccessLogFormat('$context.requestId $context.httpMethod $context.identity.nope', '/svc/serverless.yml'));
    expect(err.code).toBe('WEBSOCKETS_INVALID_LOGS_FORMAT');
    expect(err.path).toBe('provider.logs.websocket.format');
    expect(err.location?.file).toBe('/svc/serverless.yml');
    expect(err.message).toContain('$context.httpMethod');
    expect(err.message).toContain('$context.identity.nope');
  });

  it('rejects a format over 3 KB', () => {
    const err = catchError(() => parseAccessLogFormat(`$context.requestId ${'x'.repeat(3072)}`));
    expect(err.message).toContain('3072');
    expect(() => parseAccessLogFormat(`$context.requestId ${'x'.repeat(3072 - 19)}`)).not.toThrow();
  });

  it('requires $context.requestId or $context.extendedRequestId', () => {
    expect(catchError(() => parseAccessLogFormat('$context.routeKey')).message).toContain('$context.requestId');
    expect(() => parseAccessLogFormat('$context.extendedRequestId')).not.toThrow();
  });

  it('keeps a trailing dot and other text literal', () => {
    expect(render('id=$context.requestId. $ $context $contextual', connectRecord)).toBe('id=BFHPhFe3IAMF95g=. $ $context $contextual');
  });
});
