import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { killIfRunning, repoRoot, runCli, type CliProcess } from '../support/child-cli.js';
import { createWaitableList } from '../support/waitable-list.js';
import { openClient } from '../support/ws-client.js';

const FIXTURE = `${repoRoot}test/fixtures/services/inspect-typescript/`;

interface CdpEvent {
  method: string;
  params: Record<string, any>;
}

/** A Chrome DevTools Protocol client on a Node inspector's WebSocket, as Chrome or VS Code attach. */
async function attachDevtools(url: string) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const events = createWaitableList<CdpEvent>();
  const replies = new Map<number, (message: { result?: any; error?: { message: string } }) => void>();
  let nextId = 1;
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.id !== undefined) replies.get(message.id)?.(message);
    else events.push(message);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<any>((resolve, reject) => {
      const id = nextId++;
      replies.set(id, (message) => (message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { call, events, close: () => ws.close() };
}

/** The first generated line whose code maps to `originalLine` (0-based) of a source ending with `source`, as a debugger's UI maps a click in the .ts file. */
function generatedLineOf(map: SourceMap, generated: string, source: string, originalLine: number): number {
  const lines = generated.split('\n');
  for (let line = 0; line < lines.length; line++) {
    for (let column = 0; column < lines[line]!.length; column++) {
      const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number; generatedLine?: number };
      if (entry.generatedLine === line && entry.originalSource?.endsWith(source) && entry.originalLine === originalLine) return line;
    }
  }
  throw new Error(`no code of ${source}:${originalLine + 1} in the bundle`);
}

/** `wsgate dev --inspect=0` with a TypeScript handler wsgate bundles: a debugger attached by CDP sees the .ts file. */
describe('wsgate dev --inspect: source maps of a bundled TypeScript handler', () => {
  let dir: string;
  let cli: CliProcess;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wsgate-inspect-ts-'));
    await cp(FIXTURE, dir, { recursive: true });
  });
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
    await killIfRunning(cli);
    await rm(dir, { recursive: true, force: true });
  });

  it('announces a source map that leads back to the .ts files, and a breakpoint set through it pauses on the .ts line', async () => {
    cli = runCli(['dev', '--port', '0', '--no-watch', '--inspect=0', '--config', path.join(dir, 'serverless.yml')]);
    await cli.waitForLine(/Debugging: +one instance per function, Node inspector \(debugpy for Python\) on a free port of each instance/);
    const stageUrl = /ws:\/\/\S+\/dev/.exec(await cli.waitForLine(/WebSocket: /))![0];
    const client = await openClient(stageUrl);
    client.ws.send('first');
    expect(await client.nextMessage()).toBe('echo: first');
    const debuggerUrl = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(await cli.waitForLine(/Debugger listening on ws:\/\/127/))![1]!;

    const devtools = await attachDevtools(debuggerUrl);
    await devtools.call('Debugger.enable');
    const script = (await devtools.events.waitFor((event) => event.method === 'Debugger.scriptParsed' && /\/\.wsgate\/handlers\/echo\.c?js$/.test(event.params.url))).params;

    // The source map is inline (a data: URL) and names the original files by their path next to the bundle.
    expect(script.sourceMapURL).toMatch(/^data:application\/json;base64,/);
    const payload = JSON.parse(Buffer.from(script.sourceMapURL.split(',')[1], 'base64').toString()) as SourceMapPayload;
    const bundleDir = path.dirname(fileURLToPath(script.url));
    const sources = payload.sources.map((source) => path.resolve(bundleDir, payload.sourceRoot ?? '', source));
    expect(sources).toEqual(expect.arrayContaining([path.join(dir, 'src/handler.ts'), path.join(dir, 'src/greeting.ts')]));
    const handlerText = await readFile(path.join(dir, 'src/handler.ts'), 'utf8');

    // A breakpoint on the .ts line, set as a debugger does: through the map, on the bundle's line.
    const tsLine = handlerText.split('\n').findIndex((line) => line.includes('// BREAKPOINT'));
    const map = new SourceMap(payload);
    const { scriptSource } = await devtools.call('Debugger.getScriptSource', { scriptId: script.scriptId });
    const bundleLine = generatedLineOf(map, scriptSource, 'src/handler.ts', tsLine);
    const breakpoint = await devtools.call('Debugger.setBreakpointByUrl', { url: script.url, lineNumber: bundleLine });
    expect(breakpoint.locations.length).toBeGreaterThan(0);

    client.ws.send('second');
    const paused = (await devtools.events.waitFor((event) => event.method === 'Debugger.paused')).params;
    expect(paused.hitBreakpoints).toContain(breakpoint.breakpointId);
    const { location, callFrameId } = paused.callFrames[0];
    const original = map.findEntry(location.lineNumber, location.columnNumber) as { originalSource: string; originalLine: number };
    expect(path.resolve(bundleDir, original.originalSource)).toBe(path.join(dir, 'src/handler.ts'));
    expect(original.originalLine).toBe(tsLine);
    // Paused in this invocation: its local variable holds what the client sent.
    const value = await devtools.call('Debugger.evaluateOnCallFrame', { callFrameId, expression: 'greeting.text' });
    expect(value.result.value).toBe('echo: second');

    await devtools.call('Debugger.resume');
    expect(await client.nextMessage()).toBe('echo: second');
    devtools.close();
    await client.close();
  }, 90_000);
});
