import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A request to check, as it arrived. */
export interface SignedRequest {
  method: string;
  /** The request target as sent (`req.url`): encoded path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SignatureScope {
  region: string;
  /** The signing name: `execute-api` for `@connections`. */
  service: string;
  /** Secret access key by access key id. */
  credentials: ReadonlyMap<string, string>;
  /** Milliseconds since the epoch. */
  now: number;
}

/** Why API Gateway would refuse the request: its 403 error type and message. */
export interface SignatureFailure {
  errorType: 'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'UnrecognizedClientException' | 'InvalidSignatureException';
  message: string;
}

/** How far a request's `X-Amz-Date` may be from the gateway's clock, as AWS allows. */
const MAX_SKEW_MS = 15 * 60_000;
const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * Checks an AWS Signature Version 4 `Authorization` header (the scheme the AWS SDKs use for
 * `@connections`) against the configured credentials. Undefined when the signature is valid.
 */
export function verifySigV4(request: SignedRequest, scope: SignatureScope): SignatureFailure | undefined {
  const authorization = request.headers.authorization;
  if (!authorization) return { errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const parsed = parseAuthorization(authorization);
  if (typeof parsed === 'string') return { errorType: 'IncompleteSignatureException', message: parsed };
  const [accessKeyId, date, region, service, terminator] = parsed.credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') {
    return { errorType: 'IncompleteSignatureException', message: `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${parsed.credential}'` };
  }
  const amzDate = headerValue(request.headers['x-amz-date']);
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return { errorType: 'IncompleteSignatureException', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." };
  }
  const secret = scope.credentials.get(accessKeyId);
  if (secret === undefined) return { errorType: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  if (region !== scope.region) return { errorType: 'InvalidSignatureException', message: `Credential should be scoped to a valid region, not '${region}'.` };
  if (service !== scope.service) return { errorType: 'InvalidSignatureException', message: `Credential should be scoped to correct service: '${scope.service}'.` };
  if (date !== amzDate.slice(0, 8)) return { errorType: 'InvalidSignatureException', message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}'` };
  const signedAt = parseAmzDate(amzDate);
  if (Math.abs(scope.now - signedAt) > MAX_SKEW_MS) {
    return { errorType: 'InvalidSignatureException', message: `Signature expired: ${amzDate} is now earlier or later than the gateway's time ${formatAmzDate(scope.now)} by more than 15 min.` };
  }
  if (!parsed.signedHeaders.includes('host')) return { errorType: 'InvalidSignatureException', message: "'Host' must be a 'SignedHeader' in the AWS Authorization." };

  const canonicalRequest = buildCanonicalRequest(request, parsed.signedHeaders);
  const credentialScope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = [date, region, service, 'aws4_request'].reduce<Buffer>((key, part) => hmac(key, part), Buffer.from(`AWS4${secret}`));
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest();
  const given = Buffer.from(parsed.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return {
      errorType: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
  }
  return undefined;
}

function parseAuthorization(header: string): { credential: string; signedHeaders: string[]; signature: string } | string {
  if (!header.startsWith(`${ALGORITHM} `)) return `Authorization header must start with '${ALGORITHM}'.`;
  const fields = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential) return "Authorization header requires 'Credential' parameter.";
  if (!signedHeaders) return "Authorization header requires 'SignedHeaders' parameter.";
  if (!signature || !/^[0-9a-f]{64}$/.test(signature)) return "Authorization header requires 'Signature' parameter.";
  return { credential, signedHeaders: signedHeaders.split(';'), signature };
}

/** The canonical request of SigV4 for a service other than S3 (path segments encoded once more). */
function buildCanonicalRequest(request: SignedRequest, signedHeaders: readonly string[]): string {
  const queryAt = request.url.indexOf('?');
  const path = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const query = queryAt < 0 ? '' : request.url.slice(queryAt + 1);
  const headers = signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers[name])}\n`).join('');
  const payloadHash = headerValue(request.headers['x-amz-content-sha256']) === 'UNSIGNED-PAYLOAD' ? 'UNSIGNED-PAYLOAD' : sha256Hex(request.body);
  return [request.method, canonicalPath(path), canonicalQuery(query), headers, signedHeaders.join(';'), payloadHash].join('\n');
}

function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return strictEncode(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  const pairs = query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return [strictEncode(safeDecode(key)), strictEncode(safeDecode(value))] as const;
    })
    .filter(([key]) => key !== 'X-Amz-Signature');
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

function canonicalHeaderValue(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.trim().replace(/\s+/g, ' ');
}

function strictEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseAmzDate(text: string): number {
  return Date.UTC(+text.slice(0, 4), +text.slice(4, 6) - 1, +text.slice(6, 8), +text.slice(9, 11), +text.slice(11, 13), +text.slice(13, 15));
}

function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
