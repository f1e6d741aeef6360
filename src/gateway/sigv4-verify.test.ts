import { describe, expect, it } from 'vitest';
import { verifySigV4 } from './sigv4-verify.js';

// The AWS Signature Version 4 test suite (IAM User Guide, "signature-v4-test-suite"): credentials, date and
// expected signatures as AWS publishes them.
const scope = {
  region: 'us-east-1',
  service: 'service',
  credentials: new Map([['AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY']]),
  now: Date.UTC(2015, 7, 30, 12, 36, 0),
};
const authorization = (signature: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`;
const request = (method: string, url: string, signature: string) => ({
  method,
  url,
  headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z', authorization: authorization(signature) },
  body: Buffer.alloc(0),
});

describe('verifySigV4 against the AWS test suite', () => {
  it('accepts get-vanilla, get-vanilla-query-order-key-case and post-vanilla', () => {
    expect(verifySigV4(request('GET', '/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'), scope)).toBeUndefined();
    expect(verifySigV4(request('GET', '/?Param2=value2&Param1=value1', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'), scope)).toBeUndefined();
    expect(verifySigV4(request('POST', '/', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'), scope)).toBeUndefined();
  });

  it('refuses the same signatures on another method, path or body', () => {
    const vanilla = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    expect(verifySigV4(request('POST', '/', vanilla), scope)?.errorType).toBe('InvalidSignatureException');
    expect(verifySigV4(request('GET', '/other', vanilla), scope)?.errorType).toBe('InvalidSignatureException');
    expect(verifySigV4({ ...request('GET', '/', vanilla), body: Buffer.from('x') }, scope)?.errorType).toBe('InvalidSignatureException');
  });

  it('names what is missing or wrong, as API Gateway does', () => {
    const vanilla = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    const { authorization: _, ...unsigned } = request('GET', '/', vanilla).headers;
    expect(verifySigV4({ ...request('GET', '/', vanilla), headers: unsigned }, scope)).toEqual({
      errorType: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    expect(verifySigV4(request('GET', '/', vanilla), { ...scope, credentials: new Map() })?.errorType).toBe('UnrecognizedClientException');
    expect(verifySigV4(request('GET', '/', vanilla), { ...scope, region: 'eu-west-1' })?.message).toContain('valid region');
    expect(verifySigV4(request('GET', '/', vanilla), { ...scope, now: scope.now + 16 * 60_000 })?.message).toMatch(/^Signature expired: 20150830T123600Z/);
    expect(verifySigV4(request('GET', '/', vanilla), { ...scope, now: scope.now + 14 * 60_000 })).toBeUndefined();
    const garbled = { ...request('GET', '/', vanilla), headers: { ...request('GET', '/', vanilla).headers, authorization: 'AWS4-HMAC-SHA256 Signature=zz' } };
    expect(verifySigV4(garbled, scope)?.errorType).toBe('IncompleteSignatureException');
  });
});
