import { describe, expect, it } from 'vitest';
import type { RequestRecord } from './logs/request-record.js';
import { createDevLog } from './dev-log.js';
import { parseConnectionsPath } from './management-api.js';

const base: RequestRecord = {
  eventType: 'MESSAGE',
  routeKey: 'chat',
  connectionId: 'BFaT_fALIAMCKug=',
  requestId: 'BFaVtH2HoAMFZEQ=',
  extendedRequestId: 'BFaVtH2HoAMFZEQ=',
  requestTime: '11/Nov/2024:13:45:46 +0000',
  requestTimeEpoch: Date.UTC(2024, 10, 11, 13, 45, 46, 514),
  connectedAt: 0,
  stage: 'dev',
  apiId: 'abcdefghij',
  domainName: '127.0.0.1:3001',
  identity: { sourceIp: '127.0.0.1' },
  status: 200,
  durationMs: 12,
  functionKey: 'chat',
};

describe('dev log', () => {
  const lines: string[] = [];
  const log = createDevLog((line) => lines.push(line));

  it('writes one line per request with time, connection, route, outcome and duration', () => {
    log.observer(base);
    log.observer({ ...base, status: 500, error: { message: 'Internal server error' }, integration: { error: 'Error: boom' } });
    log.observer({ ...base, eventType: 'CONNECT', routeKey: '$connect', status: 401, functionKey: undefined, authorizer: { error: 'Unauthorized: no Auth header' } });
    log.observer({ ...base, eventType: 'DISCONNECT', routeKey: '$disconnect', disconnectStatusCode: 1005, disconnectReason: 'Client-side close frame status not set', functionKey: 'bye' });
    log.onManagementRequest({ method: 'POST', operation: 'PostToConnection', connectionId: 'BFaT_fALIAMCKug=', status: 410, errorType: 'GoneException', durationMs: 1, time: base.requestTimeEpoch });
    log.onHandlerLog({ functionKey: 'chat', stream: 'stdout', line: 'hello' });
    expect(lines).toEqual([
      '13:45:46.514 MESSAGE    BFaT_fALIAMCKug= chat         200 ok → chat (12 ms)',
      '13:45:46.514 MESSAGE    BFaT_fALIAMCKug= chat         500 Internal server error (Error: boom) → chat (12 ms)',
      '13:45:46.514 CONNECT    BFaT_fALIAMCKug= $connect     refused 401: Unauthorized: no Auth header (12 ms)',
      '13:45:46.514 DISCONNECT BFaT_fALIAMCKug= $disconnect  1005 "Client-side close frame status not set" → bye (12 ms)',
      '13:45:46.514 @connections BFaT_fALIAMCKug= POST         PostToConnection 410 GoneException (1 ms)',
      '             [chat] hello',
    ]);
  });
});

describe('@connections paths', () => {
  it('accepts the stage and root forms, %40 and URL-encoded ids', () => {
    expect(parseConnectionsPath('/dev/@connections/abc%3D', 'dev')).toEqual({ connectionId: 'abc=' });
    expect(parseConnectionsPath('/@connections/abc=', 'dev')).toEqual({ connectionId: 'abc=' });
    expect(parseConnectionsPath('/dev/%40connections/abc', 'dev')).toEqual({ connectionId: 'abc' });
    expect(parseConnectionsPath('/dev/@connections/abc?x=1', 'dev')).toEqual({ connectionId: 'abc' });
  });

  it('refuses other paths and stages', () => {
    for (const path of ['/prod/@connections/abc', '/dev/connections/abc', '/dev/@connections/', '/dev/@connections/a/b', '/dev/@connections/%E0%A4%A']) {
      expect(parseConnectionsPath(path, 'dev'), path).toBeUndefined();
    }
  });
});

describe('dev log of a failed handler', () => {
  it("prints the handler's stack frames under the request line, without the runtime's own", () => {
    const lines: string[] = [];
    const log = createDevLog((line) => lines.push(line));
    const trace = [
      'Error: boom',
      '    at explode (/srv/app/src/lib/explode.ts:4:9)',
      '    at Runtime.handler (/srv/app/src/handler.ts:7:3)',
      '    at invokeHandler (/opt/wsgate/dist/runtime/runner/lambda-runner.js:120:11)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ];
    log.observer({ ...base, status: 500, error: { message: 'Internal server error' }, integration: { error: 'Error: boom', trace } });
    expect(lines.slice(1)).toEqual([
      '             at explode (/srv/app/src/lib/explode.ts:4:9)',
      '             at Runtime.handler (/srv/app/src/handler.ts:7:3)',
    ]);
  });
});
