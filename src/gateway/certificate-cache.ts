import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { ensureWsgateFolder, WSGATE_FOLDER } from '../workspace/wsgate-folder.js';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface CertificatePems {
  key: string;
  cert: string;
}

/** What a certificate must cover for the gateway to serve it. */
export interface CertificateNames {
  /** The subject's CN; default `localhost`. Certificates trusted side by side need different ones (issuer lookup is by name). */
  commonName?: string;
  hostnames: readonly string[];
  ips: readonly string[];
}

const KEY_FILE = 'key.pem';
const CERT_FILE = 'cert.pem';
/** A cached certificate that expires sooner than this is replaced, so a long `wsgate dev` session never sees it expire. */
const MIN_VALIDITY_LEFT_MS = 24 * 60 * 60 * 1000;

/**
 * The key and certificate cached in `dir`, when both are readable, belong together, cover `names` and stay valid
 * for another day; otherwise undefined (a corrupt or stale cache is only a reason to generate a new one).
 */
export async function readCachedCertificate(dir: string, names: CertificateNames, now = Date.now()): Promise<CertificatePems | undefined> {
  try {
    const [key, cert] = await Promise.all([readFile(join(dir, KEY_FILE), 'utf8'), readFile(join(dir, CERT_FILE), 'utf8')]);
    return isUsable({ key, cert }, names, now) ? { key, cert } : undefined;
  } catch {
    return undefined;
  }
}

function isUsable(pems: CertificatePems, names: CertificateNames, now: number): boolean {
  const x509 = new X509Certificate(pems.cert);
  // Handler processes trust it as a CA through NODE_EXTRA_CA_CERTS.
  if (!x509.ca) return false;
  if (x509.subject !== `CN=${names.commonName ?? 'localhost'}`) return false;
  if (!(Date.parse(x509.validFrom) <= now && Date.parse(x509.validTo) - now > MIN_VALIDITY_LEFT_MS)) return false;
  if (names.hostnames.some((name) => x509.checkHost(name) === undefined)) return false;
  if (names.ips.some((ip) => x509.checkIP(ip) === undefined)) return false;
  return x509.checkPrivateKey(createPrivateKey(pems.key));
}

/**
 * Stores the key (mode 0600) and certificate in `dir`. Each file is replaced whole (write, then rename), so a
 * gateway starting at the same time reads an old or a new file, never half of one; a key and certificate from
 * different writers fail `checkPrivateKey` and are regenerated. A cache that cannot be written is skipped.
 */
export async function writeCachedCertificate(dir: string, pems: CertificatePems): Promise<void> {
  try {
    // `.wsgate` and `tls` only: a service folder that does not exist is not created for a cache.
    const parent = dirname(dir);
    if (basename(parent) === WSGATE_FOLDER) ensureWsgateFolder(dirname(parent));
    for (const folder of [parent, dir]) {
      await mkdir(folder).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    await replaceFile(join(dir, KEY_FILE), pems.key, 0o600);
    await replaceFile(join(dir, CERT_FILE), pems.cert, 0o644);
  } catch {
    // The next start generates a certificate again; nothing else depends on the cache.
  }
}

async function replaceFile(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode });
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}
