import type { ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import type { CfnTemplate } from './cfn.js';
import { lambdaFunctionId } from './naming.js';

/** Pseudo parameters CloudFormation defines in every template. */
const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
]);

interface Reference {
  target: string;
  kind: 'Ref' | 'Fn::GetAtt' | 'Fn::Sub' | 'DependsOn';
}

/** The names `${…}` of an Fn::Sub string refers to (`${!Literal}` is text; `${X.Attr}` names X). */
function subTargets(text: string, locals: ReadonlySet<string>): string[] {
  const targets: string[] = [];
  for (const match of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
    const name = match[1]!.trim();
    const target = name.includes('.') && !name.startsWith('AWS::') ? name.slice(0, name.indexOf('.')) : name;
    if (!locals.has(name) && !locals.has(target)) targets.push(target);
  }
  return targets;
}

function collect(value: unknown, into: Reference[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string') into.push({ target: inner, kind: 'Ref' });
    else if (key === 'Fn::GetAtt') {
      const target = Array.isArray(inner) ? inner[0] : typeof inner === 'string' ? inner.split('.')[0] : undefined;
      if (typeof target === 'string') into.push({ target, kind: 'Fn::GetAtt' });
    } else if (key === 'Fn::Sub') {
      const [text, variables] = Array.isArray(inner) ? inner : [inner, {}];
      const locals = new Set(variables !== null && typeof variables === 'object' ? Object.keys(variables) : []);
      if (typeof text === 'string') for (const target of subTargets(text, locals)) into.push({ target, kind: 'Fn::Sub' });
      if (Array.isArray(inner)) collect(inner[1], into);
      continue;
    }
    collect(inner, into);
  }
}

/**
 * Every `Ref`, `Fn::GetAtt`, `Fn::Sub` variable and `DependsOn` of a template that names nothing in it (no resource,
 * parameter or pseudo parameter): CloudFormation would refuse the whole template at deploy time.
 */
export function checkReferences(model: ServiceModel, template: CfnTemplate): ErrorDetail[] {
  const resources = template.Resources;
  const parameters = (template as { Parameters?: Record<string, unknown> }).Parameters ?? {};
  const known = (name: string) => Object.hasOwn(resources, name) || Object.hasOwn(parameters, name) || PSEUDO_PARAMETERS.has(name);
  const issues: ErrorDetail[] = [];
  const sections: [string, Record<string, unknown>][] = [['Resources', resources], ['Outputs', template.Outputs ?? {}]];
  for (const [section, entries] of sections) {
    for (const [id, entry] of Object.entries(entries)) {
      const references: Reference[] = [];
      collect(entry, references);
      const dependsOn = (entry as { DependsOn?: unknown }).DependsOn;
      for (const target of [dependsOn].flat()) if (typeof target === 'string') references.push({ target, kind: 'DependsOn' });
      for (const { target, kind } of references) {
        if (kind !== 'Ref' && target.startsWith('AWS::') && PSEUDO_PARAMETERS.has(target)) continue;
        if (known(target)) continue;
        issues.push({
          code: 'PACKAGE_DANGLING_REFERENCE',
          message: `${section}.${id} refers to "${target}" (${kind}), which is not in the template: CloudFormation would refuse it`,
          path: configPathOf(model, section, id),
          location: { file: model.configFile },
          hint: retainedLayerHint(model, target) ?? `Define "${target}" under resources.Resources (or layers:/functions: for the ones wsgate generates), or fix the name.`,
        });
      }
    }
  }
  return issues;
}

/** A Ref to a layer with `retain: true` names nothing: v3 appends the layer's hash to its id (see lambda-layer.ts). */
function retainedLayerHint(model: ServiceModel, target: string): string | undefined {
  const layer = [...(model.layers?.values() ?? [])].find((candidate) => candidate.retain && candidate.logicalId === target);
  if (!layer) return undefined;
  return `Layer "${layer.key}" has retain: true, so Serverless v3 appends its content hash to the logical id and { Ref: ${target} } names nothing. Drop retain, or refer to a published version by its ARN.`;
}

function configPathOf(model: ServiceModel, section: string, id: string): string | undefined {
  if (section === 'Resources' && Object.hasOwn(model.resources.Resources, id)) return `resources.Resources.${id}`;
  if (section === 'Outputs' && Object.hasOwn(model.resources.Outputs, id)) return `resources.Outputs.${id}`;
  for (const fn of model.functions.values()) if (lambdaFunctionId(fn.key) === id) return fn.configPath;
  return undefined;
}
