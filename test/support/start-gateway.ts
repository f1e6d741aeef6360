import type { ServiceModel } from '../../src/config/model.js';
import { createGateway, type Gateway, type GatewayAddress, type GatewayOptions } from '../../src/gateway/create-gateway.js';
import type { RequestRecord } from '../../src/gateway/logs/request-record.js';
import type { ManagementRecord } from '../../src/gateway/management-record.js';
import { createWaitableList } from './waitable-list.js';

export interface RunningGateway {
  gateway: Gateway;
  address: GatewayAddress;
  records: RequestRecord[];
  management: ManagementRecord[];
  /** Resolves with the first record (past or future) matching `match`. */
  waitForRecord(match: (record: RequestRecord) => boolean): Promise<RequestRecord>;
  close(): Promise<void>;
}

/** Starts a real gateway on 127.0.0.1, port 0, recording every request it finishes. */
export async function startGateway(model: ServiceModel, options: GatewayOptions = {}): Promise<RunningGateway> {
  const records = createWaitableList<RequestRecord>();
  const management: ManagementRecord[] = [];
  const gateway = createGateway(model, {
    host: '127.0.0.1',
    port: 0,
    ...options,
    observers: [...(options.observers ?? []), records.push],
    onManagementRequest: (record) => management.push(record),
  });
  const address = await gateway.listen();
  return {
    gateway,
    address,
    records: records.items,
    management,
    waitForRecord: records.waitFor,
    close: () => gateway.close(),
  };
}
