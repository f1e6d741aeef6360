import type { Duplex } from 'node:stream';

/**
 * Watches the frame headers of the bytes a client sends and calls `onOversize` once when a frame's payload
 * exceeds `maxFrameBytes` (API Gateway's 32 KB frame quota, under the 128 KB message quota).
 *
 * `ws` only knows a per-message limit (`maxPayload`) and has no hook per frame, so the gateway reads the
 * frame headers itself from the upgraded socket's `data` events, placed before `ws`'s own listener. It only
 * decodes the 2–14 header bytes of each frame and skips payloads by counting, so it costs no allocation
 * per chunk and stays independent of `ws` internals.
 */
export function createFrameSizeGuard(maxFrameBytes: number, onOversize: () => void): (chunk: Buffer) => void {
  const header = Buffer.alloc(14);
  let collected = 0;
  let payloadLeft = 0;
  let tripped = false;
  return (chunk: Buffer) => {
    if (tripped) return;
    const end = chunk.length;
    let i = 0;
    while (i < end) {
      if (payloadLeft > 0) {
        const step = Math.min(payloadLeft, end - i);
        payloadLeft -= step;
        i += step;
        continue;
      }
      header[collected++] = chunk[i++]!;
      if (collected < 2) continue;
      const length7 = header[1]! & 0x7f;
      const needed = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (header[1]! & 0x80 ? 4 : 0);
      if (collected < needed) continue;
      collected = 0;
      const length = length7 === 126 ? header.readUInt16BE(2) : length7 === 127 ? header.readUInt32BE(2) * 2 ** 32 + header.readUInt32BE(6) : length7;
      if (length > maxFrameBytes) {
        tripped = true;
        onOversize();
        return;
      }
      payloadLeft = length;
    }
  };
}

/** Puts the frame guard in front of every other reader of an upgraded socket, when frames have a tighter cap than messages. */
export function guardFrameSize(socket: Duplex, maxFrameBytes: number, maxMessageBytes: number, onOversize: () => void): void {
  if (maxFrameBytes >= maxMessageBytes) return;
  socket.prependListener('data', createFrameSizeGuard(maxFrameBytes, onOversize));
}
