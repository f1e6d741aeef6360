import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGatewayCertificate, listCertificateIps } from './gateway-certificate.js';

describe('the gateway certificate', () => {
  it('covers localhost, loopback and a specific listening address', async () => {
    const certificate = await createGatewayCertificate('10.1.2.3');
    try {
      const x509 = new X509Certificate(certificate.cert);
      expect(x509.checkHost('localhost')).toBe('localhost');
      expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(x509.checkIP('10.1.2.3')).toBe('10.1.2.3');
      expect(x509.checkIP('10.9.9.9')).toBeUndefined();
    } finally {
      await certificate.dispose();
    }
  });

  it("covers the API's AWS host name it is given, and a cached one without it is replaced", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'wsgate-cert-names-'));
    const apiHost = 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';
    try {
      const plain = await createGatewayCertificate('127.0.0.1', { cacheDir });
      await plain.dispose();
      expect(new X509Certificate(plain.cert).checkHost(apiHost)).toBeUndefined();
      const named = await createGatewayCertificate('127.0.0.1', { cacheDir, hostnames: [apiHost] });
      await named.dispose();
      const x509 = new X509Certificate(named.cert);
      expect(x509.checkHost(apiHost)).toBe(apiHost);
      expect(x509.checkHost('localhost')).toBe('localhost');
      expect(x509.checkHost('zzzzzzzzzz.execute-api.eu-west-1.amazonaws.com')).toBeUndefined();
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('adds every local address when listening on all interfaces', () => {
    expect(listCertificateIps('0.0.0.0').length).toBeGreaterThanOrEqual(2);
    expect(listCertificateIps('127.0.0.1')).toEqual(['127.0.0.1', '::1']);
  });

  it('is reused from the cache only while it covers the listening address', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'wsgate-cert-cache-'));
    const fingerprint = async (host: string) => {
      const certificate = await createGatewayCertificate(host, { cacheDir });
      await certificate.dispose();
      return new X509Certificate(certificate.cert).fingerprint256;
    };
    try {
      const loopback = await fingerprint('127.0.0.1');
      expect(await fingerprint('localhost')).toBe(loopback);
      const specific = await fingerprint('10.1.2.3');
      expect(specific).not.toBe(loopback);
      expect(await fingerprint('10.1.2.3')).toBe(specific);
      // A certificate for 10.1.2.3 also covers loopback.
      expect(await fingerprint('127.0.0.1')).toBe(specific);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it('does not create a service folder that does not exist for its cache', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'wsgate-cert-cache-'));
    try {
      const certificate = await createGatewayCertificate('127.0.0.1', { cacheDir: join(parent, 'missing-service', '.wsgate', 'tls') });
      await certificate.dispose();
      expect(new X509Certificate(certificate.cert).checkHost('localhost')).toBe('localhost');
      expect(existsSync(join(parent, 'missing-service'))).toBe(false);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
