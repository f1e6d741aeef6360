import { describe, expect, it } from 'vitest';
import { renderExecutionLog, type ExecutionLogSettings } from '../../src/gateway/logs/render-execution-log.js';
import { connectRecord, disconnectRecord, forbiddenMessageRecord, messageRecord } from './records.js';

const settings = (overrides: Partial<ExecutionLogSettings> = {}): ExecutionLogSettings => ({
  level: 'INFO',
  fullExecutionData: false,
  region: 'us-east-1',
  accountId: '123456789012',
  functionName: (key) => `chat-prod-${key}`,
  ...overrides,
});
const texts = (lines: { text: string }[]) => lines.map((line) => line.text);

describe('renderExecutionLog', () => {
  it('prefixes every line with the request id and names the route, the Lambda and the status', () => {
    const lines = texts(renderExecutionLog(connectRecord, settings()));
    expect(lines.every((line) => line.startsWith('(BFHPhFe3IAMF95g=) '))).toBe(true);
    expect(lines).toContain('(BFHPhFe3IAMF95g=) WebSocket Request Route: [$connect]');
    expect(lines).toContain(
      '(BFHPhFe3IAMF95g=) Endpoint request URI: https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:chat-prod-connect/invocations',
    );
    expect(lines).toContain('(BFHPhFe3IAMF95g=) Received response. Status: 200, Integration latency: 25 ms');
    expect(lines.at(-1)).toBe('(BFHPhFe3IAMF95g=) Method completed with status: 200');
  });

  it('shows bodies only with full execution data', () => {
    const plain = texts(renderExecutionLog(messageRecord, settings())).join('\n');
    expect(plain).not.toContain('"message":"hi"');
    expect(plain).not.toContain('Hello, serverless');
    const full = texts(renderExecutionLog(messageRecord, settings({ fullExecutionData: true })));
    expect(full).toContain('(BFaVtH2HoAMFZEQ=) Method request body before transformations: {"action":"chat","message":"hi"}');
    expect(full).toContain('(BFaVtH2HoAMFZEQ=) Method response body after transformations: Hello, serverless');
  });

  it('keeps only failures at ERROR level', () => {
    expect(renderExecutionLog(connectRecord, settings({ level: 'ERROR' }))).toEqual([]);
    const lines = renderExecutionLog(forbiddenMessageRecord, settings({ level: 'ERROR' }));
    expect(lines.every((line) => line.level === 'ERROR')).toBe(true);
    expect(texts(lines)).toEqual([
      '(BFaVtH2HoAMFZEQ=) Execution failed: Forbidden',
      '(BFaVtH2HoAMFZEQ=) Method completed with status: 403',
    ]);
  });

  it('logs authorizer rejections and function errors as errors', () => {
    const rejected = { ...connectRecord, status: 403, functionKey: undefined, integration: undefined, error: { message: 'no policy statement allows it' }, authorizer: { status: 403, latency: 4, error: 'no policy statement allows it' } };
    expect(texts(renderExecutionLog(rejected, settings({ level: 'ERROR' })))[0]).toContain('The client is not authorized to perform this operation.');
    const failed = { ...messageRecord, status: 500, integration: { status: 502, latency: 3, error: 'Error: boom' } };
    expect(texts(renderExecutionLog(failed, settings({ level: 'ERROR' })))[0]).toBe(
      '(BFaVtH2HoAMFZEQ=) Lambda execution failed with status 200 due to customer function error: Error: boom',
    );
  });

  it('records the close code of a disconnect', () => {
    const disconnect = { ...disconnectRecord, integration: { latency: 83.4 } };
    expect(texts(renderExecutionLog(disconnect, settings()))).toContain('(BFaXzGt4oAMFdsA=) Received response. Status: 200, Integration latency: 83 ms');
    expect(texts(renderExecutionLog(disconnectRecord, settings()))).toContain(
      '(BFaXzGt4oAMFdsA=) Connection closed with status code: 1005, reason: Client-side close frame status not set',
    );
  });
});
