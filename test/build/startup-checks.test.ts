import { afterEach, describe, expect, it } from 'vitest';
import { killIfRunning, runCli, type CliProcess } from '../support/child-cli.js';
import { openClient } from '../support/ws-client.js';
import { runToEnd, writeService } from './service-dir.js';

const cleanups: (() => void)[] = [];
let cli: CliProcess | undefined;
afterEach(async () => {
  await killIfRunning(cli);
  cli = undefined;
  cleanups.splice(0).forEach((cleanup) => cleanup());
});
const service = (files: Record<string, string>) => {
  const written = writeService(files);
  cleanups.push(written.cleanup);
  return written.dir;
};

const config = (connect: string, echo: string) => `service: startup
provider:
  name: aws
  runtime: nodejs22.x
functions:
  connect:
    handler: ${connect}
    events:
      - websocket: $connect
  echo:
    handler: ${echo}
    events:
      - websocket:
          route: $default
          routeResponseSelectionExpression: $default
`;
const chat = 'exports.connect = async () => ({ statusCode: 200 });\nexports.echo = async (event) => ({ statusCode: 200, body: String(process.pid) });\n';

describe('wsgate dev start-up handler check', () => {
  it('refuses a handler file that does not exist before listening, with a did-you-mean on the file name', async () => {
    const dir = service({ 'serverless.yml': config('src/chta.connect', 'src/chat.echo'), 'src/chat.js': chat });
    const result = await runToEnd(dir, ['dev', '--port', '0', '--no-watch']);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/WebSocket:/);
    expect(result.stderr).toMatch(/RUNTIME_HANDLER_NOT_FOUND\] serverless\.yml:7:\d+ at functions\.connect\.handler/);
    expect(result.stderr).toMatch(/Did you mean 'src\/chat\.connect'\?/);
  });

  it('refuses an export that does not exist, with a did-you-mean on the export name (ES module and CommonJS)', async () => {
    const dir = service({
      'serverless.yml': config('src/chat.conect', 'src/typed.echoo'),
      'src/chat.js': chat,
      'src/typed.ts': 'export const echo = async () => ({ statusCode: 200, body: "ok" });\n',
    });
    const result = await runToEnd(dir, ['dev', '--port', '0', '--no-watch']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/serverless\.yml:11:\d+ at functions\.echo\.handler/);
    expect(result.stderr).toMatch(/src\/chat\.js exports no 'conect'/);
    expect(result.stderr).toMatch(/Did you mean 'src\/chat\.connect'\?/);
    expect(result.stderr).toMatch(/src\/typed\.ts exports no 'echoo'/);
  });
});

describe('wsgate dev --scale', () => {
  it('with lambda, serves a burst on a warm function from more than one instance, each with its own module state', async () => {
    const dir = service({ 'serverless.yml': config('src/chat.connect', 'src/chat.echo'), 'src/chat.js': chat });
    cli = runCli(['dev', '--port', '0', '--no-watch', '--scale', 'lambda'], { cwd: dir });
    const url = `${/(ws:\/\/127\.0\.0\.1:\d+)/.exec(await cli.waitForLine(/WebSocket:/))![1]}/dev`;
    const client = await openClient(url);
    client.ws.send('warm');
    await client.nextMessage();
    for (let i = 0; i < 8; i++) client.ws.send(`burst ${i}`);
    const pids = new Set<string>();
    for (let i = 0; i < 8; i++) pids.add(await client.nextMessage());
    expect(pids.size).toBeGreaterThan(1);
    client.ws.close();
  });

  it('refuses a mode it does not know', async () => {
    const dir = service({ 'serverless.yml': config('src/chat.connect', 'src/chat.echo'), 'src/chat.js': chat });
    const result = await runToEnd(dir, ['dev', '--port', '0', '--scale', 'fast']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/CLI_INVALID_OPTION.*--scale must be "packing" or "lambda", got "fast"/);
  });
});
