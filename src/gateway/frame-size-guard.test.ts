import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFrameSizeGuard } from './frame-size-guard.js';

/** A client frame as RFC 6455 §5.2 lays it out: masked, with a 7-, 16- or 64-bit length. */
function clientFrame(payloadLength: number, opcode = 0x1, fin = true): Buffer {
  const lengthBytes = payloadLength < 126 ? 0 : payloadLength < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + 4);
  header[0] = (fin ? 0x80 : 0) | opcode;
  header[1] = 0x80 | (lengthBytes === 0 ? payloadLength : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) header.writeUInt16BE(payloadLength, 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(payloadLength), 2);
  randomBytes(4).copy(header, 2 + lengthBytes);
  return Buffer.concat([header, randomBytes(payloadLength)]);
}

/** Feeds `bytes` in pieces of `size` and reports at which byte offset the guard tripped. */
function feed(bytes: Buffer, size: number, max: number): number | undefined {
  let offset = 0;
  let trippedAt: number | undefined;
  const guard = createFrameSizeGuard(max, () => (trippedAt ??= offset));
  for (; offset < bytes.length; offset += size) guard(bytes.subarray(offset, offset + size));
  return trippedAt;
}

describe('createFrameSizeGuard', () => {
  const max = 32 * 1024;
  // Frames of every header size; payloads (and payload-less pings) under the cap.
  const fine = Buffer.concat([clientFrame(5), clientFrame(125, 0x9), clientFrame(300, 0x1, false), clientFrame(max, 0x0, false), clientFrame(0, 0x0)]);

  it('lets frames up to the cap through, however the bytes are split', () => {
    for (const size of [1, 2, 3, 7, 13, 14, 64, 1000, fine.length]) expect(feed(fine, size, max), `pieces of ${size}`).toBeUndefined();
  });

  it('trips once, at the header of the first frame over the cap (16- and 64-bit lengths), before its payload', () => {
    for (const oversize of [max + 1, 70_000]) {
      const bytes = Buffer.concat([fine, clientFrame(oversize), clientFrame(3)]);
      for (const size of [1, 5, 14, 4096, bytes.length]) {
        const trippedAt = feed(bytes, size, max);
        expect(trippedAt, `${oversize} in pieces of ${size}`).toBeDefined();
        // The guard sees at most the chunk that completes the oversized frame's header.
        expect(trippedAt!).toBeLessThanOrEqual(fine.length + 14);
        expect(trippedAt! + size).toBeGreaterThan(fine.length);
      }
    }
  });
});
