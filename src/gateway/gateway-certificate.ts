import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCachedCertificate, writeCachedCertificate, type CertificateNames, type CertificatePems } from './certificate-cache.js';

export interface GatewayCertificate {
  key: string;
  cert: string;
  /** A file holding `cert`, for `NODE_EXTRA_CA_CERTS` of handler processes. */
  certFile: string;
  /** Removes the temporary folder of `certFile`. */
  dispose(): Promise<void>;
}

export interface GatewayCertificateOptions {
  /** Where the key and certificate are kept between starts (the service's `.wsgate/tls`); without it, always generated. */
  cacheDir?: string;
  /** Host names it must cover besides `localhost` (the API's `{apiId}.execute-api.{region}.amazonaws.com`). */
  hostnames?: readonly string[];
  /** The subject's CN, default `localhost`: another certificate handlers trust beside this one needs its own. */
  commonName?: string;
  /** Other certificates (PEM) handler processes must trust too; they are added to `certFile`. */
  alsoTrust?: readonly string[];
}

/**
 * A self-signed certificate for `localhost`, loopback, the listening address and `options.hostnames`, so that
 * handler code calling `https://${domainName}/${stage}` (as on AWS) reaches the gateway and trusts it. Generating one costs about
 * 100 ms of start-up (most of it loading the generator), so it is reused from `cacheDir` while it fits.
 */
export async function createGatewayCertificate(host = '127.0.0.1', options: GatewayCertificateOptions = {}): Promise<GatewayCertificate> {
  const names: CertificateNames = { ...(options.commonName ? { commonName: options.commonName } : {}), hostnames: [...new Set(['localhost', ...(options.hostnames ?? [])])], ips: listCertificateIps(host) };
  let pems = options.cacheDir ? await readCachedCertificate(options.cacheDir, names) : undefined;
  if (!pems) {
    pems = await generateCertificate(names);
    if (options.cacheDir) await writeCachedCertificate(options.cacheDir, pems);
  }
  // Each gateway's handlers trust the certificate it serves, even if another start replaces the cache meanwhile.
  const dir = await mkdtemp(join(tmpdir(), 'wsgate-tls-'));
  const certFile = join(dir, 'gateway-ca.pem');
  await writeFile(certFile, [pems.cert, ...(options.alsoTrust ?? [])].join('\n'));
  return { key: pems.key, cert: pems.cert, certFile, dispose: () => rm(dir, { recursive: true, force: true }) };
}

async function generateCertificate(names: CertificateNames): Promise<CertificatePems> {
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: names.commonName ?? 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names.hostnames.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Loopback, the listening address, and every local address when listening on all interfaces. */
export function listCertificateIps(host: string): string[] {
  const ips = new Set(['127.0.0.1', '::1']);
  if (host === '0.0.0.0' || host === '::' || host === '') {
    for (const addresses of Object.values(networkInterfaces())) for (const a of addresses ?? []) ips.add(a.address.split('%')[0]!);
  } else if (isIP(host)) {
    ips.add(host);
  }
  return [...ips];
}
