import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { collectAuthorizerWarnings } from '../../src/gateway/authorizer/startup-warnings.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import type { Invoker } from '../../src/runtime/invoker.js';
import { startGateway, type RunningGateway } from '../support/start-gateway.js';
import { recordInvocations } from '../support/test-invoker.js';
import { tryOpenClient } from '../support/ws-client.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/services/${name}/`, import.meta.url));
const sharedArn = 'arn:aws:lambda:us-east-1:111111111111:function:shared-auth';

describe('ARN authorizers', () => {
  let gw: RunningGateway | undefined;
  let invoker: Invoker | undefined;
  afterEach(async () => {
    await gw?.close();
    await invoker?.close();
    gw = undefined;
    invoker = undefined;
  });

  async function start(name: string) {
    const { model } = await loadService({ serviceDir: fixture(name) });
    const recording = recordInvocations(createNodeInvoker(model, { onLog: () => {} }));
    invoker = recording;
    gw = await startGateway(model, { tls: false, invoker: recording });
    return { model, address: gw.address, waitForRecord: gw.waitForRecord, calls: recording.calls };
  }

  it('runs the local function mapped in custom.wsgate.authorizers', async () => {
    const { model, address, calls } = await start('auth-arn');
    expect(collectAuthorizerWarnings(model)).toEqual([]);

    const admitted = await tryOpenClient(`${address.stageUrl}?token=ok`);
    if (!admitted.open) throw new Error(`refused with ${admitted.status}`);
    expect(JSON.parse(String(admitted.client.headers['x-authorizer']))).toEqual({ via: 'localAuth', principalId: 'shared-user', integrationLatency: expect.any(Number) });
    await admitted.client.close(1000, 'bye');
    expect(calls.filter((call) => call.functionKey === 'localAuth')).toHaveLength(1);

    const denied = await tryOpenClient(`${address.stageUrl}?token=bad`);
    expect(denied).toMatchObject({ open: false, status: 403 });
  });

  it('refuses with 500 and a log reason saying how to map an unmapped ARN, and warns at start-up', async () => {
    const { model, address, waitForRecord, calls } = await start('auth-arn-unmapped');
    const warnings = collectAuthorizerWarnings(model);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(sharedArn);
    expect(warnings[0]!.hint).toContain('custom: { wsgate: { authorizers');

    const refused = await tryOpenClient(address.stageUrl, { headers: { Auth: 'token' } });
    expect(refused).toMatchObject({ open: false, status: 500 });
    const record = await waitForRecord((r) => r.eventType === 'CONNECT');
    expect(record.error?.message).toContain(`custom: { wsgate: { authorizers: { "${sharedArn}": <functionKey> } } }`);
    expect(calls).toEqual([]);
  });

  it('checks identity sources before refusing an unmapped ARN', async () => {
    const { address } = await start('auth-arn-unmapped');
    expect(await tryOpenClient(address.stageUrl)).toMatchObject({ open: false, status: 401 });
  });
});
