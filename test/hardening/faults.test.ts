import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebSocket } from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { createDevLog } from '../../src/gateway/dev-log.js';
import type { RequestRecord } from '../../src/gateway/logs/request-record.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { expectRefused, openClient, type TestClient } from '../support/ws-client.js';

// A handler that fails in any way gets the answer API Gateway gives for its route, one clear log line,
// and the next call a working instance; every other connection is served all along.

const FIXTURE = fileURLToPath(new URL('../fixtures/services/hardening-faults-basic/', import.meta.url));

type Kind = 'throw' | 'reject' | 'hang' | 'never' | 'exit' | 'loop' | 'oom';

/**
 * What Lambda reports for each fault (errorType: errorMessage, as in docs/runtime.md), and whether the
 * execution environment is discarded. Lambda keeps an environment after a handler returns an error.
 */
const FAULTS: Record<Kind, { kills: boolean; error: RegExp }> = {
  throw: { kills: false, error: /^Error: thrown on purpose$/ },
  reject: { kills: false, error: /^TypeError: rejected on purpose$/ },
  hang: { kills: false, error: /^Runtime\.NodeJsExit: The Lambda runtime client detected an unexpected Node\.js exit code\. This is most commonly caused by a Promise that was never settled\./ },
  never: { kills: true, error: /^Sandbox\.Timedout: RequestId: \S+ Error: Task timed out after 1\.00 seconds$/ },
  exit: { kills: true, error: /^Runtime\.ExitError: RequestId: \S+ Error: Runtime exited with error: exit status 7$/ },
  loop: { kills: true, error: /^Sandbox\.Timedout: RequestId: \S+ Error: Task timed out after 1\.00 seconds$/ },
  oom: { kills: true, error: /^Runtime\.ExitError: RequestId: \S+ Error: Runtime exited with error: signal: aborted \(core dumped\)$/ },
};
const KINDS = Object.keys(FAULTS) as Kind[];

let serviceDir: string;
/** The gateway and healthy connection the current test uses: the stage `dev` (1 s timeout) unless it chose `roomy`. */
let gw: RunningGateway;
let healthy: TestClient;
const devLines: string[] = [];
const handlerLines: { functionKey: string; line: string }[] = [];
const logWaiters: { functionKey: string; pattern: RegExp; resolve: (line: string) => void }[] = [];

type FaultGateway = { gw: RunningGateway; healthy: TestClient };
let dev: FaultGateway;
let roomy: Promise<FaultGateway> | undefined;

/** The fixture at `stage`, with every handler log line and dev log line collected, and a connection kept open. */
async function startFaultGateway(stage: string): Promise<FaultGateway> {
  const { model } = await loadService({ serviceDir, stage });
  const devLog = createDevLog((line) => devLines.push(line));
  const gateway = await startGateway(model, {
    observers: [devLog.observer],
    runtime: {
      onLog: (entry) => {
        devLog.onHandlerLog(entry);
        handlerLines.push(entry);
        for (const waiter of [...logWaiters]) {
          if (waiter.functionKey === entry.functionKey && waiter.pattern.test(entry.line)) {
            logWaiters.splice(logWaiters.indexOf(waiter), 1);
            waiter.resolve(entry.line);
          }
        }
      },
    },
  });
  return { gw: gateway, healthy: await openClient(`${gateway.address.stageUrl}?token=1`) };
}

/**
 * Running out of memory takes as long as filling the heap, which on a busy machine can outlast the 1 s that the
 * timeout faults need: that fault runs on the stage whose functions have 10 s (started the first time it is needed).
 */
async function useGatewayFor(kind: Kind): Promise<void> {
  if (kind !== 'oom') return;
  roomy ??= startFaultGateway('roomy');
  ({ gw, healthy } = await roomy);
}

beforeAll(async () => {
  serviceDir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-faults-'));
  await cp(FIXTURE, serviceDir, { recursive: true });
  await mkdir(path.join(serviceDir, 'faults'));
  dev = await startFaultGateway('dev');
});

beforeEach(() => {
  ({ gw, healthy } = dev);
});

afterAll(async () => {
  for (const gateway of [dev, await roomy]) {
    gateway?.healthy.ws.close();
    await gateway?.gw.close();
  }
  if (serviceDir) await rm(serviceDir, { recursive: true, force: true });
});

/** Resolves with the pid a handler logged (`fault <kind> pid N`), past or future. */
function faultPid(functionKey: string, kind: Kind, after: number): Promise<number> {
  const pattern = new RegExp(`^fault ${kind} pid (\\d+)$`);
  const found = handlerLines.slice(after).find((entry) => entry.functionKey === functionKey && pattern.test(entry.line));
  const line = found ? Promise.resolve(found.line) : new Promise<string>((resolve) => logWaiters.push({ functionKey, pattern, resolve }));
  return line.then((text) => Number(pattern.exec(text)![1]));
}

/** True while the process exists and is not a zombie. */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The connection opened before every fault still gets its route responses. */
async function expectHealthyConnection(): Promise<void> {
  const text = `still served ${Math.random()}`;
  healthy.ws.send(text);
  expect(JSON.parse(await healthy.nextMessage()).body).toBe(text);
}

/** Closes a client and waits until the gateway has run its `$disconnect`. */
async function closeAndWait(ws: WebSocket, connectionId: string): Promise<RequestRecord> {
  ws.close(1000);
  return gw.waitForRecord((r) => r.eventType === 'DISCONNECT' && r.connectionId === connectionId);
}

async function connectionIdOf(client: TestClient): Promise<string> {
  client.ws.send('who am i');
  return JSON.parse(await client.nextMessage()).connectionId;
}

/**
 * For the faults that last (a loop, a promise that waits for the timeout): once the handler is stuck, the
 * other connection is served before the stuck request is answered.
 */
async function whileServing<T>(answer: Promise<T>, kind: Kind, stuck: Promise<number>): Promise<T> {
  if (kind !== 'loop' && kind !== 'never') return answer;
  let answered = false;
  void answer.then(() => (answered = true));
  await stuck;
  await expectHealthyConnection();
  expect(answered).toBe(false);
  return answer;
}

const recordsFrom = (index: number, match: (r: RequestRecord) => boolean) => gw.waitForRecord((r) => gw.records.indexOf(r) >= index && match(r));
const devLineFor = (connectionId: string, eventType: string) => devLines.filter((line) => line.includes(connectionId) && line.includes(eventType)).at(-1);

describe('a message route handler that fails', () => {
  it.each(KINDS)('%s: the Internal server error frame, a log line, a working instance next, other connections served', async (kind) => {
    await useGatewayFor(kind);
    const expected = FAULTS[kind];
    const client = await openClient(`${gw.address.stageUrl}?token=1`);
    const logsBefore = handlerLines.length;
    const answer = client.nextMessage();
    client.ws.send(JSON.stringify({ action: 'fault', kind }));
    const frame = JSON.parse(await whileServing(answer, kind, faultPid('fault', kind, logsBefore)));
    const pid = await faultPid('fault', kind, logsBefore);
    expect(Object.keys(frame)).toEqual(['message', 'connectionId', 'requestId']);
    expect(frame.message).toBe('Internal server error');

    const record = await gw.waitForRecord((r) => r.eventType === 'MESSAGE' && r.requestId === frame.requestId);
    expect(record).toMatchObject({ status: 500, routeKey: 'fault', functionKey: 'fault', connectionId: frame.connectionId });
    expect(record.integration?.error).toMatch(expected.error);
    const line = devLines.find((l) => l.includes(frame.connectionId) && l.includes('MESSAGE') && l.includes('Internal server error'));
    expect(line).toContain(`500 Internal server error (${record.integration!.error})`);

    client.ws.send(JSON.stringify({ action: 'fault' }));
    const next = JSON.parse(await client.nextMessage());
    expect(next.fault).toBe('none');
    if (expected.kills) {
      expect(Number(next.pid)).not.toBe(pid);
      expect(isRunning(pid)).toBe(false);
    } else {
      expect(Number(next.pid)).toBe(pid);
    }
    await expectHealthyConnection();
    await closeAndWait(client.ws, frame.connectionId);
  });
});

describe('a handler that uses the runtime\'s IPC channel', () => {
  it('stray and forged messages (null, text, a result for another request) change nothing', async () => {
    const client = await openClient(`${gw.address.stageUrl}?token=1`);
    client.ws.send(JSON.stringify({ action: 'fault', kind: 'meddle' }));
    expect(JSON.parse(await client.nextMessage())).toMatchObject({ fault: 'meddled' });
    client.ws.send(JSON.stringify({ action: 'fault' }));
    expect(JSON.parse(await client.nextMessage())).toMatchObject({ fault: 'none' });
    await expectHealthyConnection();
    await closeAndWait(client.ws, await connectionIdOf(client));
  });
});

describe('a response over Lambda\'s 6 MB limit', () => {
  it('is an integration failure: the Internal server error frame, and the instance serves on', async () => {
    const client = await openClient(`${gw.address.stageUrl}?token=1`);
    client.ws.send(JSON.stringify({ action: 'fault', kind: 'huge' }));
    const frame = JSON.parse(await client.nextMessage());
    expect(frame.message).toBe('Internal server error');
    const record = await gw.waitForRecord((r) => r.requestId === frame.requestId);
    // The response is the JSON of { statusCode, body }: 7 MiB of body plus 28 bytes of JSON around it.
    expect(record.integration?.error).toBe(
      `Function.ResponseSizeTooLarge: Response payload size (${7 * 1024 * 1024 + 28} bytes) exceeded maximum allowed payload size (6291556 bytes).`,
    );
    client.ws.send(JSON.stringify({ action: 'fault' }));
    expect(JSON.parse(await client.nextMessage()).fault).toBe('none');
    await expectHealthyConnection();
    await closeAndWait(client.ws, frame.connectionId);
  });
});

describe('memorySize', () => {
  it('sizes the heap: 200 MB of live data fits in 512 MB and kills a 128 MB instance, which is replaced', async () => {
    const client = await openClient(`${gw.address.stageUrl}?token=1`);
    client.ws.send(JSON.stringify({ action: 'hogLarge', mb: 200 }));
    expect(JSON.parse(await client.nextMessage())).toMatchObject({ kept: 200 });
    client.ws.send(JSON.stringify({ action: 'hogSmall', mb: 200 }));
    const frame = JSON.parse(await client.nextMessage());
    expect(frame.message).toBe('Internal server error');
    const record = await gw.waitForRecord((r) => r.requestId === frame.requestId);
    expect(record.integration?.error).toMatch(FAULTS.oom.error);
    await expectHealthyConnection();
    client.ws.send(JSON.stringify({ action: 'hogSmall', mb: 20 }));
    expect(JSON.parse(await client.nextMessage())).toMatchObject({ kept: 20 });
    await closeAndWait(client.ws, frame.connectionId);
  });
});

describe('a $connect handler that fails', () => {
  it.each(KINDS)('%s: 502 on the upgrade, a log line, a working instance next, other connections served', async (kind) => {
    await useGatewayFor(kind);
    const expected = FAULTS[kind];
    const recordsBefore = gw.records.length;
    const logsBefore = handlerLines.length;
    const refused = await whileServing(expectRefused(`${gw.address.stageUrl}?token=1&connectFault=${kind}`), kind, faultPid('connect', kind, logsBefore));
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.body)).toEqual({ message: 'Internal server error' });
    const pid = await faultPid('connect', kind, logsBefore);

    const record = await recordsFrom(recordsBefore, (r) => r.eventType === 'CONNECT' && r.status === 502);
    expect(record.integration?.error).toMatch(expected.error);
    expect(devLineFor(record.connectionId, 'CONNECT')).toContain(`refused 502: ${record.integration!.error}`);
    // A refused connection never opened: no $disconnect for it.
    expect(gw.records.some((r) => r.eventType === 'DISCONNECT' && r.connectionId === record.connectionId)).toBe(false);

    await expectNextConnectionServed('x-connect-pid', pid, expected.kills, recordsBefore);
  });
});

/**
 * The next connection is accepted by an instance of the function that failed: a fresh one (the header names its
 * pid) when the fault ended the old one, else the same; the gateway is healthy and the connection closes cleanly.
 */
async function expectNextConnectionServed(pidHeader: string, pid: number, kills: boolean, recordsBefore: number): Promise<void> {
  const { ws, headers } = await openClient(`${gw.address.stageUrl}?token=1`);
  if (kills) {
    expect(Number(headers[pidHeader])).not.toBe(pid);
    expect(isRunning(pid)).toBe(false);
  } else {
    expect(Number(headers[pidHeader])).toBe(pid);
  }
  await expectHealthyConnection();
  const opened = await recordsFrom(recordsBefore, (r) => r.eventType === 'CONNECT' && r.status === 200);
  await closeAndWait(ws, opened.connectionId);
}

describe('an authorizer that fails', () => {
  it.each(KINDS)('%s: 500 on the upgrade without running $connect, a log line, a working instance next', async (kind) => {
    await useGatewayFor(kind);
    const expected = FAULTS[kind];
    const recordsBefore = gw.records.length;
    const logsBefore = handlerLines.length;
    const refused = await whileServing(expectRefused(`${gw.address.stageUrl}?token=1&authFault=${kind}`), kind, faultPid('auth', kind, logsBefore));
    expect(refused.status).toBe(500);
    expect(JSON.parse(refused.body)).toEqual({ message: 'Internal server error' });
    const pid = await faultPid('auth', kind, logsBefore);

    const record = await recordsFrom(recordsBefore, (r) => r.eventType === 'CONNECT' && r.status === 500);
    expect(record.functionKey).toBeUndefined();
    const reason = record.authorizer?.error ?? '';
    const cause = /^authorizer "auth" \(function auth\) (failed|timed out|crashed): (.*)$/s.exec(reason);
    expect(cause?.[2]).toMatch(expected.error);
    expect(devLineFor(record.connectionId, 'CONNECT')).toContain(`refused 500: ${reason}`);

    await expectNextConnectionServed('x-authorizer-pid', pid, expected.kills, recordsBefore);
  });
});

describe('a $disconnect handler that fails', () => {
  it.each(KINDS)('%s: logged and otherwise ignored, a working instance next, other connections served', async (kind) => {
    await useGatewayFor(kind);
    const expected = FAULTS[kind];
    const logsBefore = handlerLines.length;
    const client = await openClient(`${gw.address.stageUrl}?token=1&disconnectFault=${kind}`);
    const connectionId = await connectionIdOf(client);
    const record = await closeAndWait(client.ws, connectionId);
    const pid = await faultPid('disconnect', kind, logsBefore);
    expect(record).toMatchObject({ status: 500, disconnectStatusCode: 1000, functionKey: 'disconnect' });
    expect(record.integration?.error).toMatch(expected.error);
    expect(devLineFor(connectionId, 'DISCONNECT')).toContain(`1000, $disconnect failed: ${record.integration!.error}`);
    await expectHealthyConnection();

    const other = await openClient(`${gw.address.stageUrl}?token=1`);
    const otherId = await connectionIdOf(other);
    const done = new Promise<string>((resolve) => logWaiters.push({ functionKey: 'disconnect', pattern: new RegExp(`^disconnect ${otherId} pid \\d+$`), resolve }));
    expect((await closeAndWait(other.ws, otherId)).status).toBe(200);
    const nextPid = Number(/pid (\d+)$/.exec(await done)![1]);
    if (expected.kills) {
      expect(nextPid).not.toBe(pid);
      expect(isRunning(pid)).toBe(false);
    } else {
      expect(nextPid).toBe(pid);
    }
  });
});

describe('a handler module that fails to load', () => {
  const marker = (functionKey: string) => path.join(serviceDir, 'faults', `load-${functionKey}`);

  /** Makes the function's next instance fail to load: the marker, then `exit` ends its warm instance. */
  async function breakModule(functionKey: string, retire: () => Promise<unknown>): Promise<void> {
    await writeFile(marker(functionKey), 'broken on purpose');
    await retire();
  }
  const loadError = (functionKey: string) => `Error: ${functionKey}: broken on purpose`;

  it('message route: the Internal server error frame until the module loads again', async () => {
    const client = await openClient(`${gw.address.stageUrl}?token=1`);
    await breakModule('fault', async () => {
      client.ws.send(JSON.stringify({ action: 'fault', kind: 'exit' }));
      await client.nextMessage();
    });
    client.ws.send(JSON.stringify({ action: 'fault' }));
    const frame = JSON.parse(await client.nextMessage());
    expect(frame.message).toBe('Internal server error');
    const record = await gw.waitForRecord((r) => r.requestId === frame.requestId);
    expect(record.integration?.error).toBe(loadError('fault'));
    expect(devLineFor(frame.connectionId, 'MESSAGE')).toContain(`500 Internal server error (${loadError('fault')})`);
    await expectHealthyConnection();

    await unlink(marker('fault'));
    client.ws.send(JSON.stringify({ action: 'fault' }));
    expect(JSON.parse(await client.nextMessage()).fault).toBe('none');
    await closeAndWait(client.ws, frame.connectionId);
  });

  it('message route: a missing file, then a syntax error, then a fixed file, each seen by the next call', async () => {
    const client = await openClient(`${gw.address.stageUrl}?token=1`);
    const call = async () => {
      client.ws.send(JSON.stringify({ action: 'later' }));
      const text = await client.nextMessage();
      if (!text.startsWith('{"message": "Internal server error"')) return { answer: text };
      const frame = JSON.parse(text);
      return { error: (await gw.waitForRecord((r) => r.requestId === frame.requestId)).integration?.error };
    };
    // Lambda's own texts for a module it cannot find and for a syntax error (docs/runtime.md).
    expect(await call()).toEqual({ error: "Runtime.ImportModuleError: Error: Cannot find module 'later'\nRequire stack:\n- /var/runtime/index.mjs" });
    await expectHealthyConnection();
    await writeFile(path.join(serviceDir, 'later.mjs'), 'export const handler = async () => ({ body: "fixed" ;\n');
    expect((await call()).error).toMatch(/^Runtime\.UserCodeSyntaxError: SyntaxError: /);
    await expectHealthyConnection();
    await writeFile(path.join(serviceDir, 'later.mjs'), 'export const handler = async () => ({ body: "fixed" });\n');
    expect(await call()).toEqual({ answer: 'fixed' });
    await closeAndWait(client.ws, await connectionIdOf(client));
  });

  it('$connect: 502 until the module loads again', async () => {
    await breakModule('connect', () => expectRefused(`${gw.address.stageUrl}?token=1&connectFault=exit`));
    const recordsBefore = gw.records.length;
    expect((await expectRefused(`${gw.address.stageUrl}?token=1`)).status).toBe(502);
    const record = await recordsFrom(recordsBefore, (r) => r.eventType === 'CONNECT');
    expect(record.integration?.error).toBe(loadError('connect'));
    expect(devLineFor(record.connectionId, 'CONNECT')).toContain(`refused 502: ${loadError('connect')}`);
    await expectHealthyConnection();

    await unlink(marker('connect'));
    const client = await openClient(`${gw.address.stageUrl}?token=1`);
    await closeAndWait(client.ws, await connectionIdOf(client));
  });

  it('authorizer: 500 until the module loads again', async () => {
    await breakModule('auth', () => expectRefused(`${gw.address.stageUrl}?token=1&authFault=exit`));
    const recordsBefore = gw.records.length;
    expect((await expectRefused(`${gw.address.stageUrl}?token=1`)).status).toBe(500);
    const record = await recordsFrom(recordsBefore, (r) => r.eventType === 'CONNECT');
    expect(record.authorizer?.error).toBe(`authorizer "auth" (function auth) could not start: ${loadError('auth')}`);
    await expectHealthyConnection();

    await unlink(marker('auth'));
    const client = await openClient(`${gw.address.stageUrl}?token=1`);
    await closeAndWait(client.ws, await connectionIdOf(client));
  });

  it('$disconnect: logged and ignored until the module loads again', async () => {
    await breakModule('disconnect', async () => {
      const client = await openClient(`${gw.address.stageUrl}?token=1&disconnectFault=exit`);
      await closeAndWait(client.ws, await connectionIdOf(client));
    });
    const client = await openClient(`${gw.address.stageUrl}?token=1`);
    const connectionId = await connectionIdOf(client);
    const record = await closeAndWait(client.ws, connectionId);
    expect(record).toMatchObject({ status: 500, integration: { error: loadError('disconnect') } });
    expect(devLineFor(connectionId, 'DISCONNECT')).toContain(`1000, $disconnect failed: ${loadError('disconnect')}`);
    await expectHealthyConnection();

    await unlink(marker('disconnect'));
    const next = await openClient(`${gw.address.stageUrl}?token=1`);
    expect((await closeAndWait(next.ws, await connectionIdOf(next))).status).toBe(200);
    expect(existsSync(marker('disconnect'))).toBe(false);
  });
});

// Last: the storm leaves several warm instances of `fault`, which the tests above assume is alone.
describe('a storm of failing invocations', () => {
  it('answers each one once, while the other connection and @connections keep working', async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, () => openClient(`${gw.address.stageUrl}?token=1`)));
    const kinds: Kind[] = ['throw', 'exit', 'reject', 'hang', 'exit', 'oom', 'throw', 'exit'];
    const perClient = 10;
    const frames = clients.map((client) => Promise.all(Array.from({ length: perClient }, () => client.nextMessage())));
    clients.forEach((client, c) => {
      for (let i = 0; i < perClient; i++) client.ws.send(JSON.stringify({ action: 'fault', kind: kinds[(c + i) % kinds.length] }));
    });
    // Meanwhile the other connection is answered, by route response and by an @connections post.
    await expectHealthyConnection();
    const healthyId = await connectionIdOf(healthy);
    const post = await fetch(`${gw.address.connectionsUrl}/${encodeURIComponent(healthyId)}`, { method: 'POST', body: 'during the storm' });
    expect(post.status).toBe(200);
    expect(await healthy.nextMessage()).toBe('during the storm');

    const answered = (await Promise.all(frames)).flat().map((text) => JSON.parse(text));
    expect(answered).toHaveLength(clients.length * perClient);
    for (const frame of answered) expect(frame.message).toBe('Internal server error');
    expect(new Set(answered.map((frame) => frame.requestId)).size).toBe(answered.length);
    // Each client got exactly its own answers, and nothing more arrives afterwards: a last echo comes next.
    for (const client of clients) {
      client.ws.send('after the storm');
      expect(JSON.parse(await client.nextMessage()).body).toBe('after the storm');
    }
    await expectHealthyConnection();
    for (const client of clients) await closeAndWait(client.ws, await connectionIdOf(client));
  });
});
