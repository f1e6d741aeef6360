import type { CfnTemplate } from './cfn.js';

function stripNullKeys(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(stripNullKeys);
  for (const [key, value] of Object.entries(node)) {
    if (value === null) delete (node as Record<string, unknown>)[key];
    else stripNullKeys(value);
  }
}

/**
 * As v3 does before writing: a `null` in a resource's properties (typically `resources:` overriding
 * a generated value with `~`) removes that property; a resource whose `Properties` is null loses the key.
 */
export function stripNullProperties(template: CfnTemplate): void {
  for (const resource of Object.values(template.Resources)) {
    if (resource.Properties) stripNullKeys(resource.Properties);
    else delete resource.Properties;
  }
}
