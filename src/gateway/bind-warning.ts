import { isIP } from 'node:net';

/**
 * The warning to show when the gateway listens beyond the loopback interface: its WebSocket endpoint and
 * `@connections` API (unsigned unless signatures are required) are then reachable from other machines.
 */
export function describeBindWarning(host: string, signaturesRequired = false): string | undefined {
  if (isLoopback(host)) return undefined;
  const shown = host === '' ? '(all interfaces)' : host;
  return (
    `Listening on ${shown}, beyond this machine: other machines can connect and ${signaturesRequired ? 'call @connections with valid signatures' : 'call @connections without any credentials'}. ` +
    `Use --host 127.0.0.1 unless you need this${signaturesRequired ? '' : ', and consider --verify-signatures'}.`
  );
}

function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  const v4 = lower.startsWith('::ffff:') ? lower.slice(7) : lower;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  if (isIP(lower) === 6) return /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(lower);
  return false;
}
