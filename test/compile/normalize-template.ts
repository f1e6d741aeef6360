/**
 * Normalises exactly what legitimately differs between two packagings of the same service:
 * the hash suffixes of `…LambdaVersion…` and `WebsocketsDeployment…` logical ids (wherever they
 * appear), artifact S3 keys (which embed a timestamp) and `CodeSha256`. Nothing else.
 */
const VERSION_ID = /^([A-Za-z0-9]+LambdaVersion)[A-Za-z0-9]+$/;
const DEPLOYMENT_ID = /^WebsocketsDeployment[A-Za-z0-9]+$/;

function normalizeId(id: string): string {
  if (DEPLOYMENT_ID.test(id) && id !== 'WebsocketsDeploymentStage') return 'WebsocketsDeployment<hash>';
  const version = VERSION_ID.exec(id);
  return version ? `${version[1]}<hash>` : id;
}

function normalizeValue(value: unknown, key?: string): unknown {
  if (key === 'S3Key' && typeof value === 'string') return `<S3Key>/${value.split('/').pop()}`;
  if (key === 'CodeSha256') return '<CodeSha256>';
  if (typeof value === 'string') return normalizeId(value);
  if (Array.isArray(value)) return value.map((item) => normalizeValue(item));
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) result[normalizeId(k)] = normalizeValue(v, k);
    return result;
  }
  return value;
}

export function normalizeTemplate(template: unknown): unknown {
  return normalizeValue(template);
}
