import type { ManagementAnswer, ManagementCall } from '../cluster-link.js';

/**
 * Messages between nodes: a JSON head, a newline, then the raw body (a posted frame, an answer's JSON), so binary
 * frames cross unchanged and unencoded.
 */
export type InboxMessage =
  /** `deadline`: epoch ms after which the caller has answered 500 already, so the owner drops the call. */
  | { kind: 'call'; callId: number; from: string; deadline: number; call: ManagementCall }
  | { kind: 'answer'; callId: number; node: string; answer: ManagementAnswer };

export function encodeMessage(message: InboxMessage): Buffer {
  if (message.kind === 'call') {
    const head = { k: 'c', i: message.callId, f: message.from, d: message.deadline, m: message.call.method, c: message.call.connectionId };
    return Buffer.concat([Buffer.from(`${JSON.stringify(head)}\n`), message.call.body ?? Buffer.alloc(0)]);
  }
  const head = { k: 'a', i: message.callId, n: message.node, s: message.answer.status, e: message.answer.errorType };
  return Buffer.from(`${JSON.stringify(head)}\n${message.answer.body}`);
}

/** undefined for a message that is not wsgate's (something else published on the channel). */
export function decodeMessage(raw: Buffer): InboxMessage | undefined {
  const newline = raw.indexOf(10);
  if (newline < 0) return undefined;
  let head: Record<string, unknown>;
  try {
    head = JSON.parse(raw.subarray(0, newline).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const body = raw.subarray(newline + 1);
  if (head.k === 'c' && typeof head.i === 'number' && typeof head.f === 'string' && typeof head.d === 'number' && typeof head.c === 'string' && ['POST', 'GET', 'DELETE'].includes(head.m as string)) {
    const method = head.m as ManagementCall['method'];
    return { kind: 'call', callId: head.i, from: head.f, deadline: head.d, call: { method, connectionId: head.c, ...(method === 'POST' ? { body: Buffer.from(body) } : {}) } };
  }
  if (head.k === 'a' && typeof head.i === 'number' && typeof head.n === 'string' && typeof head.s === 'number') {
    const answer: ManagementAnswer = { status: head.s, body: body.toString('utf8'), ...(typeof head.e === 'string' ? { errorType: head.e } : {}) };
    return { kind: 'answer', callId: head.i, node: head.n, answer };
  }
  return undefined;
}
