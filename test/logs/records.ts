import type { RequestRecord } from '../../src/gateway/logs/request-record.js';

/** Request records shaped like the captured AWS events (spec/captured-events), for log rendering tests. */
export const connectRecord: RequestRecord = {
  eventType: 'CONNECT',
  routeKey: '$connect',
  connectionId: 'BFHPhfCWIAMCKlQ=',
  requestId: 'BFHPhFe3IAMF95g=',
  extendedRequestId: 'BFHPhFe3IAMF95g=',
  requestTime: '11/Nov/2024:11:35:24 +0000',
  requestTimeEpoch: 1731324924561,
  connectedAt: 1731324924553,
  stage: 'prod',
  apiId: 'fjnq7njcv2',
  domainName: 'fjnq7njcv2.execute-api.us-east-1.amazonaws.com',
  identity: { sourceIp: '166.90.225.1', userAgent: 'ws/8' },
  status: 200,
  functionKey: 'connect',
  durationMs: 40,
  integration: { status: 200, latency: 25, requestId: '5e0a2c6d-1111-4a4a-9b9b-000000000001' },
  authorizer: { principalId: 'user-7', context: { tenant: 'acme', level: 3, admin: false }, status: 200, latency: 12 },
};

export const messageRecord: RequestRecord = {
  ...connectRecord,
  eventType: 'MESSAGE',
  routeKey: 'chat',
  messageId: 'BFaVtfGSIAMCKug=',
  requestId: 'BFaVtH2HoAMFZEQ=',
  extendedRequestId: 'BFaVtH2HoAMFZEQ=',
  requestTime: '11/Nov/2024:13:45:46 +0000',
  requestTimeEpoch: 1731332746514,
  functionKey: 'chat',
  requestBody: '{"action":"chat","message":"hi"}',
  responseBody: 'Hello, serverless',
};

export const disconnectRecord: RequestRecord = {
  ...connectRecord,
  eventType: 'DISCONNECT',
  routeKey: '$disconnect',
  requestId: 'BFaXzGt4oAMFdsA=',
  extendedRequestId: 'BFaXzGt4oAMFdsA=',
  requestTime: '11/Nov/2024:13:46:01 +0000',
  requestTimeEpoch: 1731332761000,
  functionKey: 'disconnect',
  disconnectStatusCode: 1005,
  disconnectReason: 'Client-side close frame status not set',
};

export const forbiddenMessageRecord: RequestRecord = {
  ...messageRecord,
  routeKey: '$default',
  status: 403,
  functionKey: undefined,
  integration: undefined,
  authorizer: undefined,
  error: { message: 'Forbidden', responseType: 'DEFAULT_4XX' },
  responseBody: undefined,
};
