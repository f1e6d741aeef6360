import type { Duplex } from 'node:stream';

/**
 * A listener that destroys the socket it is attached to (`this`). One function shared by every socket rather than
 * a closure per socket: what a listener closes over lives as long as the connection (bench/README.md, heap).
 */
export function destroyThisSocket(this: Duplex): void {
  this.destroy();
}
