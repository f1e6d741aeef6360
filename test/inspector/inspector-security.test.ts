import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHost, isSameOrigin } from '../../src/inspector/is-loopback.js';
import { startEchoGateway, type EchoGateway } from '../support/echo-gateway.js';
import { expectRefused, openClient } from '../support/ws-client.js';

/** This machine's own non-loopback IPv4 address, if it has one (a test reaches the gateway through it, never another host). */
function ownNonLoopbackAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

describe('who the inspector answers', () => {
  it('takes 127.0.0.0/8 and ::1 (also IPv4-mapped) as loopback, and nothing else', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(address)).toBe(true);
    for (const address of ['192.0.2.2', '10.0.0.1', '::ffff:192.168.1.5', 'fd00::2', '0.0.0.0', '::', '128.0.0.1', undefined]) expect(isLoopbackAddress(address)).toBe(false);
  });

  it('takes only loopback names in Host (a rebinding DNS name gets nothing)', () => {
    for (const host of ['127.0.0.1:3001', 'localhost:3001', '[::1]:3001', 'localhost']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['evil.example:3001', '192.0.2.2:3001', 'localhost.evil.example', undefined]) expect(isLoopbackHost(host)).toBe(false);
  });

  it('takes only the page itself as the origin of its socket', () => {
    expect(isSameOrigin('http://127.0.0.1:3001', '127.0.0.1:3001')).toBe(true);
    expect(isSameOrigin('http://evil.example', '127.0.0.1:3001')).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:9999', '127.0.0.1:3001')).toBe(false);
    expect(isSameOrigin('null', '127.0.0.1:3001')).toBe(false);
    expect(isSameOrigin(undefined, '127.0.0.1:3001')).toBe(false);
  });
});

describe('the inspector endpoint', () => {
  let gw: EchoGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('serves the page to a loopback client, with no resource from elsewhere', async () => {
    gw = await startEchoGateway({ inspector: true });
    expect(gw.address.inspectorUrl).toBe(`http://127.0.0.1:${gw.address.port}/_wsgate/`);
    const res = await fetch(gw.address.inspectorUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<title>wsgate inspector</title>');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('is not there when off: /_wsgate/ is answered as any other path of the WebSocket URL (426 to a GET)', async () => {
    gw = await startEchoGateway();
    expect(gw.address.inspectorUrl).toBeUndefined();
    const res = await fetch(`http://127.0.0.1:${gw.address.port}/_wsgate/`);
    expect(res.status).toBe(426);
    expect(await res.text()).toBe('{"message":"Upgrade Required"}');
    const post = await fetch(`http://127.0.0.1:${gw.address.port}/_wsgate/`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(403);
    expect(await post.text()).toBe('{"message":"Forbidden"}');
  });

  it('refuses a page asked for under a name that is not loopback (DNS rebinding)', async () => {
    gw = await startEchoGateway({ inspector: true });
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: gw!.address.port, path: '/_wsgate/', headers: { Host: `rebound.example:${gw!.address.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });

  it("refuses its socket to a cross-origin page, and opens it to the page's own origin", async () => {
    gw = await startEchoGateway({ inspector: true });
    const socketUrl = `ws://127.0.0.1:${gw.address.port}/_wsgate/socket`;
    expect((await expectRefused(socketUrl, { headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    expect((await expectRefused(socketUrl)).status).toBe(403);
    const page = await openClient(socketUrl, { headers: { Origin: `http://127.0.0.1:${gw.address.port}` } });
    const snapshot = JSON.parse(await page.nextMessage());
    expect(snapshot).toMatchObject({ type: 'snapshot', service: 'gateway-test', routes: [{ routeKey: '$connect', functionKey: 'connect' }, { routeKey: '$default', functionKey: 'echo' }] });
    await page.close();
  });

  const ownAddress = ownNonLoopbackAddress();
  it.skipIf(!ownAddress)('answers 403 to a client on another address of this machine when the gateway listens on 0.0.0.0', async () => {
    gw = await startEchoGateway({ host: '0.0.0.0', inspector: true });
    const res = await fetch(`http://${ownAddress}:${gw.address.port}/_wsgate/`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(/only clients on this machine/);
    expect((await expectRefused(`ws://${ownAddress}:${gw.address.port}/_wsgate/socket`, { headers: { Origin: `http://${ownAddress}:${gw.address.port}` } })).status).toBe(403);
    // The same gateway, asked on loopback, serves it.
    expect((await fetch(`http://127.0.0.1:${gw.address.port}/_wsgate/`)).status).toBe(200);
  });
});
