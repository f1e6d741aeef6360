import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers on a socket that node:http no longer manages (a refused upgrade, a request it could not
 * parse), then closes it. The body is JSON unless the headers say otherwise.
 */
export function writeRawResponse(socket: Duplex, status: number, body: string, headers: readonly [string, string][] = []): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`];
  // Header values come from handler responses: a CR or LF in them must not split the response.
  for (const [name, value] of headers) lines.push(`${name}: ${value.replace(/[\r\n]/g, ' ')}`);
  if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) lines.push('Content-Type: application/json');
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close');
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}
