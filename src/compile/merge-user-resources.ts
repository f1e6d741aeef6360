import type { ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import type { CfnResource, CfnTemplate } from './cfn.js';
import { isPlainObject, mergeDeep } from './merge-deep.js';

/** Keys of `resources.extensions.<id>` that Serverless v3 lets a user extend on a generated resource. */
const EXTENSION_KEYS = new Set([
  'Properties',
  'CreationPolicy',
  'DeletionPolicy',
  'DependsOn',
  'Metadata',
  'UpdatePolicy',
  'UpdateReplacePolicy',
  'Condition',
]);

/**
 * Merges the `resources:` section into the compiled template like Serverless v3 does.
 * An entry may override a generated resource of the same `Type` (v3's documented way to tune one);
 * an entry with another or no `Type` under a generated id would replace a resource other generated
 * resources point at, so it is an issue instead.
 */
export function mergeUserResources(model: ServiceModel, template: CfnTemplate, issues: ErrorDetail[]): void {
  const location = { file: model.configFile };
  const user = model.resources;
  for (const [id, value] of Object.entries(user.Resources)) {
    const path = `resources.Resources.${id}`;
    if (!isPlainObject(value)) {
      issues.push({
        code: 'PACKAGE_INVALID_RESOURCE',
        message: `Resource "${id}" must be an object with a "Type"`,
        path,
        location,
      });
      continue;
    }
    const generated = template.Resources[id];
    if (generated === undefined) {
      template.Resources[id] = structuredClone(value) as CfnResource;
      continue;
    }
    if (value.Type !== generated.Type) {
      issues.push({
        code: 'PACKAGE_RESOURCE_ID_COLLISION',
        message:
          value.Type === undefined
            ? `Resource "${id}" has no "Type" and its logical id is one wsgate generates (${generated.Type})`
            : `Resource "${id}" (${String(value.Type)}) uses a logical id wsgate generates for a ${generated.Type}`,
        path,
        location,
        hint: `Rename the resource, or give it "Type: ${generated.Type}" to override properties of the generated one.`,
      });
      continue;
    }
    template.Resources[id] = mergeDeep(generated, value) as CfnResource;
  }
  template.Outputs = mergeDeep(template.Outputs, user.Outputs) as CfnTemplate['Outputs'];
  if (Object.keys(user.Conditions).length > 0) {
    template.Conditions = mergeDeep(template.Conditions ?? {}, user.Conditions) as Record<string, unknown>;
  }
  for (const [key, value] of Object.entries(user.extra)) {
    if (key === 'extensions') {
      applyExtensions(model, template, value, issues);
    } else if (key !== 'Resources' && key !== 'Outputs' && key !== 'Conditions') {
      template[key] = key in template ? mergeDeep(template[key], value) : structuredClone(value);
    }
  }
}

function applyExtensions(model: ServiceModel, template: CfnTemplate, extensions: unknown, issues: ErrorDetail[]): void {
  const location = { file: model.configFile };
  if (!isPlainObject(extensions)) return;
  for (const [id, extension] of Object.entries(extensions)) {
    const path = `resources.extensions.${id}`;
    const target = template.Resources[id];
    if (target === undefined || !isPlainObject(extension)) {
      issues.push({
        code: 'RESOURCE_EXTENSION_NOT_EXISTING',
        message: `"${id}" is not a resource of the stack, so it cannot be extended`,
        path,
        location,
        hint: 'Extensions apply to resources wsgate generates or that "resources.Resources" declares.',
      });
      continue;
    }
    for (const [key, value] of Object.entries(extension)) {
      if (!EXTENSION_KEYS.has(key)) {
        issues.push({
          code: 'RESOURCE_EXTENSION_UNSUPPORTED_ATTRIBUTE',
          message: `"${key}" cannot be extended (allowed: ${[...EXTENSION_KEYS].join(', ')})`,
          path: `${path}.${key}`,
          location,
        });
      } else if (key === 'Properties' || key === 'Metadata') {
        // v3 assigns extension keys shallowly: an extended property replaces the generated one.
        target[key] = { ...(target[key] as Record<string, unknown> | undefined), ...structuredClone(value as object) };
      } else if (key === 'DependsOn') {
        const current = target.DependsOn === undefined ? [] : [target.DependsOn].flat();
        target.DependsOn = [...new Set([...current, ...[value as string | string[]].flat()])];
      } else {
        target[key] = structuredClone(value);
      }
    }
  }
}
