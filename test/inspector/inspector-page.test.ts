import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { killIfRunning, repoRoot, runCli, type CliProcess } from '../support/child-cli.js';
import { launchChromium, type TestBrowser } from '../support/chromium.js';
import { openClient } from '../support/ws-client.js';

const SERVICE = `${repoRoot}test/fixtures/services/inspector/serverless.yml`;

/** `wsgate dev` as a child, its inspector page in a real Chromium, real `ws` clients on its WebSocket URL. */
describe('the inspector page in Chromium', () => {
  let cli: CliProcess;
  let browser: TestBrowser;
  let page: Page;
  let stageUrl: string;

  beforeAll(async () => {
    cli = runCli(['dev', '--port', '0', '--no-watch', '--config', SERVICE]);
    const inspectorLine = await cli.waitForLine(/Inspector: /);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/_wsgate\/)/.exec(inspectorLine)![1]!;
    stageUrl = `${/ws:\/\/\S+\/dev/.exec(await cli.waitForLine(/WebSocket: /))![0]}`;
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(url);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGINT');
      await cli.exited;
    }
    await killIfRunning(cli);
  });

  it('shows a connection with its identity and frames, sends to it, fails it on purpose, and disconnects it', async () => {
    const client = await openClient(`${stageUrl}?room=blue&user=ada`, { headers: { 'User-Agent': 'inspector-test-client/1.0' } });
    const connection = page.getByRole('button', { name: /^Connection \S+, open$/ });
    await connection.waitFor();
    await connection.click();
    const connectionId = /^Connection (\S+),/.exec((await connection.getAttribute('aria-label'))!)![1]!;
    await expect(page.getByRole('heading', { name: `Connection ${connectionId}` }).isVisible()).resolves.toBe(true);
    const facts = page.locator('#facts');
    await facts.getByText('room=blue&user=ada').waitFor();
    await facts.getByText('inspector-test-client/1.0').waitFor();
    await facts.getByText('127.0.0.1', { exact: true }).waitFor();

    // A client frame, its route, the handler's log line and the route response, in the timeline.
    client.ws.send('hello');
    expect(await client.nextMessage()).toBe('echo: hello');
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByRole('listitem').filter({ hasText: 'client frame hello' }).waitFor();
    await timeline.getByRole('listitem').filter({ hasText: /\$default: echo on echo#\d+ → 200 in \d+ ms/ }).waitFor();
    await timeline.getByRole('listitem').filter({ hasText: 'echoing hello' }).waitFor();
    await timeline.getByRole('listitem').filter({ hasText: 'route response echo: hello' }).waitFor();
    await facts.getByText('1 / 1').waitFor();

    // Send from the page: the client receives the frame as from @connections POST.
    await page.getByRole('textbox', { name: 'Message' }).fill('pushed from the page');
    await page.getByRole('button', { name: 'Send' }).click();
    expect(await client.nextMessage()).toBe('pushed from the page');
    await page.getByRole('status').filter({ hasText: `Sent to ${connectionId}` }).waitFor();

    // An injected error: the client gets API Gateway's error frame, the page shows it and the failure.
    await page.getByRole('combobox', { name: 'Function' }).selectOption('echo');
    await page.getByRole('combobox', { name: 'Fault' }).selectOption('error');
    await page.getByRole('spinbutton', { name: 'Invocations' }).fill('1');
    await page.getByRole('button', { name: 'Inject fault' }).click();
    await page.getByRole('table', { name: 'Functions' }).getByRole('cell', { name: 'error × 1' }).waitFor();
    client.ws.send('boom');
    const errorFrame = JSON.parse(await client.nextMessage());
    expect(errorFrame).toMatchObject({ message: 'Internal server error', connectionId });
    await timeline.getByRole('listitem').filter({ hasText: /error frame \{"message": "Internal server error"/ }).waitFor();
    await timeline.getByRole('listitem').filter({ hasText: 'echo failed (error, injected): InjectedFault' }).waitFor();
    // Only the next invocation failed.
    client.ws.send('after');
    expect(await client.nextMessage()).toBe('echo: after');

    // Disconnect from the page: the client is closed as by DELETE, and $disconnect runs.
    await page.getByRole('button', { name: 'Disconnect' }).click();
    expect((await client.closed).code).toBe(1000);
    await timeline.getByRole('listitem').filter({ hasText: /closed 1000; disconnect on disconnect#\d+ → 200/ }).waitFor();
    await timeline.getByRole('listitem').filter({ hasText: `bye ${connectionId} 1000` }).waitFor();
    await page.getByRole('button', { name: `Connection ${connectionId}, closed 1000` }).waitFor();
    await expect(page.getByRole('button', { name: 'Send' }).isDisabled()).resolves.toBe(true);
    await cli.waitForLine(new RegExp(`DISCONNECT +${connectionId} \\$disconnect +1000`));
  }, 60_000);

  it('lists the routes and functions with their instances', async () => {
    const routes = page.getByRole('table', { name: 'Routes' });
    await routes.getByRole('row', { name: '$default echo' }).waitFor();
    await routes.getByRole('row', { name: '$disconnect disconnect' }).waitFor();
    // echo ran (warm now) in the previous test: at least one warm instance, none busy.
    const echoRow = page.getByRole('table', { name: 'Functions' }).getByRole('row', { name: /^echo nodejs22\.x [1-9]\d* 0 0 echo#\d+ idle(, echo#\d+ idle)* -$/ });
    await echoRow.waitFor();
  });

  it('names the instance of each invocation and gives a line logged after the invocation ended to its own connection', async () => {
    const late = await openClient(stageUrl);
    const other = await openClient(stageUrl);
    // `late 400` answers at once and logs 400 ms later; `slow 1500` keeps the warm instance busy meanwhile, so a
    // line matched to whatever runs when it arrives would land on the other connection.
    late.ws.send('late 400');
    expect(await late.nextMessage()).toBe('echo: late 400');
    other.ws.send('slow 1500');
    const line = await cli.waitForLine(/\[echo\] late line of /);
    const lateId = /late line of (\S+)/.exec(line)![1]!;
    expect(await other.nextMessage()).toBe('echo: slow 1500');

    await page.getByRole('button', { name: `Connection ${lateId}, open` }).click();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    const route = timeline.getByRole('listitem').filter({ hasText: /\$default: echo on echo#\d+ → 200 in \d+ ms/ }).last();
    await route.waitFor();
    const instance = /on (echo#\d+)/.exec((await route.textContent())!)![1]!;
    const lateEntry = timeline.getByRole('listitem').filter({ hasText: `late line of ${lateId}` });
    await lateEntry.waitFor();
    expect(await lateEntry.textContent()).toContain(`${instance} stdout, after its invocation ended late line of ${lateId}`);

    const otherButton = page.getByRole('button', { name: /^Connection \S+, open$/ }).filter({ hasNotText: lateId }).first();
    const otherId = /^Connection (\S+),/.exec((await otherButton.getAttribute('aria-label'))!)![1]!;
    await otherButton.click();
    await page.getByRole('heading', { name: `Connection ${otherId}` }).waitFor();
    await timeline.getByRole('listitem').filter({ hasText: 'echoing slow 1500' }).waitFor();
    await expect(timeline.getByRole('listitem').filter({ hasText: 'late line of' }).count()).resolves.toBe(0);
    await late.close();
    await other.close();
  }, 60_000);
});
