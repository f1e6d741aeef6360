/**
 * A copy with object keys sorted at every level: a stable input for hashing. Keys are ordered with
 * `localeCompare` (English collation) because Serverless v3 hashes Lambda versions that way; the
 * same order gives the same version ids as v3 for the same artifact.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort((a, b) => a.localeCompare(b, 'en')))
    sorted[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
  return sorted;
}
