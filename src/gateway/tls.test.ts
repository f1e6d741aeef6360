import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGatewayCertificate, listCertificateIps } from './tls.js';

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

  it('adds every local address when listening on all interfaces', () => {
    expect(listCertificateIps('0.0.0.0').length).toBeGreaterThanOrEqual(2);
    expect(listCertificateIps('127.0.0.1')).toEqual(['127.0.0.1', '::1']);
  });
});
