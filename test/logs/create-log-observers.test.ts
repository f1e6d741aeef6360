import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT, type WebsocketLogsModel } from '../../src/config/model.js';
import { createLogObservers, resolveLogFile } from '../../src/gateway/logs/create-log-observers.js';
import { buildTestModel } from '../authorizer/build-model.js';
import { connectRecord, disconnectRecord, messageRecord } from './records.js';

const logs = (overrides: Partial<WebsocketLogsModel> = {}): WebsocketLogsModel => ({
  accessLogging: true,
  executionLogging: true,
  fullExecutionData: true,
  level: 'INFO',
  format: DEFAULT_WEBSOCKET_ACCESS_LOG_FORMAT,
  logGroupName: '/aws/websocket/chat-prod',
  ...overrides,
});

describe('createLogObservers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wsgate-logs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has no observers when logs are off', () => {
    expect(createLogObservers(buildTestModel()).observers).toEqual([]);
  });

  it('writes access lines to the console and to a file named after the log group', async () => {
    const lines: string[] = [];
    const model = buildTestModel({ service: 'chat', stage: 'prod', serviceDir: dir, logs: logs({ executionLogging: false }) });
    const created = createLogObservers(model, { write: (line) => lines.push(line) });
    for (const record of [connectRecord, messageRecord, disconnectRecord]) for (const observe of created.observers) observe(record);
    await created.close();

    expect(lines).toEqual([
      '166.90.225.1 - - [11/Nov/2024:11:35:24 +0000] "CONNECT $connect BFHPhfCWIAMCKlQ=" BFHPhFe3IAMF95g=',
      '166.90.225.1 - - [11/Nov/2024:13:45:46 +0000] "MESSAGE chat BFHPhfCWIAMCKlQ=" BFaVtH2HoAMFZEQ=',
      '166.90.225.1 - - [11/Nov/2024:13:46:01 +0000] "DISCONNECT $disconnect BFHPhfCWIAMCKlQ=" BFaXzGt4oAMFdsA=',
    ]);
    const file = path.join(dir, '.wsgate', 'logs', 'aws', 'websocket', 'chat-prod.log');
    expect(await readFile(file, 'utf8')).toBe(`${lines.join('\n')}\n`);
  });

  it('writes execution lines to API-Gateway-Execution-Logs_{apiId}/{stage}', async () => {
    const lines: string[] = [];
    const model = buildTestModel({ service: 'chat', stage: 'prod', serviceDir: dir, logs: logs({ accessLogging: false }) });
    const created = createLogObservers(model, { write: (line) => lines.push(line), logDir: path.join(dir, 'out') });
    for (const observe of created.observers) observe(messageRecord);
    await created.close();
    const file = path.join(dir, 'out', 'API-Gateway-Execution-Logs_fjnq7njcv2', 'prod.log');
    const content = await readFile(file, 'utf8');
    expect(content).toContain('(BFaVtH2HoAMFZEQ=) WebSocket Request Route: [chat]');
    expect(content).toContain('Method request body before transformations: {"action":"chat","message":"hi"}');
    expect(content).toBe(`${lines.join('\n')}\n`);
  });

  it('colours console lines only when asked', async () => {
    const lines: string[] = [];
    const model = buildTestModel({ serviceDir: dir, logs: logs() });
    const created = createLogObservers(model, { write: (line) => lines.push(line), color: true, logDir: dir });
    for (const observe of created.observers) observe(connectRecord);
    await created.close();
    expect(lines[0].startsWith('\u001b[36m')).toBe(true);
    expect(lines[1].startsWith('\u001b[35m')).toBe(true);
  });

  it('validates the format at start-up', () => {
    const model = buildTestModel({ serviceDir: dir, logs: logs({ format: '$context.requestId $context.bogus' }) });
    expect(() => createLogObservers(model, { write: () => {} })).toThrow(expect.objectContaining({ code: 'WEBSOCKETS_INVALID_LOGS_FORMAT', path: 'provider.logs.websocket.format' }));
  });

  it('reports an unwritable log folder once and keeps serving', async () => {
    const lines: string[] = [];
    const blocker = path.join(dir, 'file');
    await import('node:fs/promises').then((fs) => fs.writeFile(blocker, 'x'));
    const model = buildTestModel({ serviceDir: dir, logs: logs({ executionLogging: false }) });
    const created = createLogObservers(model, { write: (line) => lines.push(line), logDir: path.join(blocker, 'logs') });
    for (const observe of created.observers) {
      observe(connectRecord);
      observe(messageRecord);
    }
    await created.close();
    expect(lines.filter((line) => line.includes('cannot write log file'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('"CONNECT $connect'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('"MESSAGE chat'))).toHaveLength(1);
  });

  it('maps log group names to files without leaving the log folder', () => {
    expect(resolveLogFile('/l', '/aws/websocket/s-dev')).toBe(path.join('/l', 'aws', 'websocket', 's-dev.log'));
    expect(resolveLogFile('/l', '../../etc/x')).toBe(path.join('/l', 'etc', 'x.log'));
  });
});
