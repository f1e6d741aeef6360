const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Merges `source` into a copy of `target` the way Serverless v3 merges `resources:` (lodash `merge`):
 * objects key by key, arrays index by index, anything else replaced.
 */
export function mergeDeep(target: unknown, source: unknown): unknown {
  if (Array.isArray(target) && Array.isArray(source)) {
    const merged = [...target];
    source.forEach((item, index) => {
      merged[index] = index < target.length ? mergeDeep(target[index], item) : structuredClone(item);
    });
    return merged;
  }
  if (isPlainObject(target) && isPlainObject(source)) {
    const merged: Record<string, unknown> = { ...target };
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined) continue;
      merged[key] = key in target ? mergeDeep(target[key], value) : structuredClone(value);
    }
    return merged;
  }
  return structuredClone(source);
}

export { isPlainObject };
