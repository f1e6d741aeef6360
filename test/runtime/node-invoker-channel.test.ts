import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import { buildModel, copyFixture } from './runtime-fixture.js';

// Events reach a handler instance as text on a pipe of their own (docs/runtime.md): what a handler receives must
// be exactly the event, whatever its size and characters, and an event given as text that is not JSON fails alone.
describe('createNodeInvoker: events on their way to the handler', () => {
  let fixture: Awaited<ReturnType<typeof copyFixture>>;
  let invoker: Invoker;

  beforeAll(async () => {
    fixture = await copyFixture();
    invoker = createNodeInvoker(buildModel(fixture.dir, { echo: { handler: 'handler.echo' } }), { onLog: () => {}, maxInstancesPerFunction: 1 });
  });
  afterAll(async () => {
    await invoker?.close();
    await fixture?.remove();
  });

  it('delivers large events with multi-byte, control and line-break characters intact, many in one write', async () => {
    // 20 events of about 150 KB arrive in one write, read in chunks that split lines and UTF-8 sequences.
    const text = 'é漢😀\n\r\t"\\\u0000\u2028 '.repeat(10_000);
    const events = Array.from({ length: 20 }, (_, id) => ({ id, text: text.slice(id), nested: { list: [id, null, true, 'x\ny'] } }));
    const results = await Promise.all(events.map((event) => invoker.invoke('echo', event)));
    results.forEach((result, id) => expect(result).toMatchObject({ ok: true, value: { received: events[id], style: 'async' } }));
  });

  it('takes events already encoded as JSON text, line breaks between tokens included', async () => {
    const pretty = JSON.stringify({ body: 'a\nb', requestContext: { routeKey: '$default' } }, null, 2);
    expect(pretty).toContain('\n');
    expect(await invoker.invokeEncoded!('echo', pretty)).toMatchObject({
      ok: true,
      value: { received: { body: 'a\nb', requestContext: { routeKey: '$default' } } },
    });
  });

  it('fails an encoded event that is not JSON with InvalidRequestContentException; those sent with it still run', async () => {
    const results = await Promise.all([
      invoker.invokeEncoded!('echo', '{"id":1}'),
      invoker.invokeEncoded!('echo', '{"id":'),
      invoker.invokeEncoded!('echo', 'not json'),
      invoker.invokeEncoded!('echo', '{"id":3}'),
    ]);
    expect(results.map((r) => (r.ok ? (r.value as { received: { id: number } }).received.id : r.error.errorType))).toEqual([
      1,
      'InvalidRequestContentException',
      'InvalidRequestContentException',
      3,
    ]);
    expect(results[1]).toMatchObject({ ok: false, kind: 'error', error: { errorMessage: expect.stringMatching(/^Could not parse request body into json: /) } });
  });
});
