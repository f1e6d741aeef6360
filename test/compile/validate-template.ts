/**
 * Validates a CloudFormation template against the official resource provider schemas in
 * test/fixtures/cfn-schemas (see its SOURCE.md), and checks that every Ref, Fn::GetAtt,
 * Fn::Sub variable, DependsOn and Condition points at something that exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const schemaDir = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/cfn-schemas');

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** Newer facts than the 2023–2024 schema snapshots know, as SOURCE.md lists them. */
function applyOverlays(schema: Record<string, any>): void {
  switch (schema.typeName) {
    case 'AWS::Lambda::Function':
      schema.properties.Runtime.enum = [
        ...new Set([
          ...schema.properties.Runtime.enum,
          ...['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'python3.10', 'python3.11', 'python3.12', 'python3.13'],
          ...['java17', 'java21', 'dotnet8', 'ruby3.2', 'ruby3.3', 'provided.al2023'],
        ]),
      ];
      break;
    case 'AWS::ApiGatewayV2::Stage':
      schema.properties.Tags = { type: 'object', additionalProperties: { type: 'string' } };
      break;
    case 'AWS::Logs::LogGroup':
      schema.properties.LogGroupClass.enum.push('DELIVERY');
      break;
    case 'AWS::ApiGatewayV2::Integration':
      schema.readOnlyProperties.push('/properties/IntegrationId');
      break;
    case 'AWS::ApiGatewayV2::RouteResponse':
      schema.readOnlyProperties.push('/properties/RouteResponseId');
      break;
    case 'AWS::Lambda::Version':
      schema.readOnlyProperties.push('/properties/FunctionArn');
      break;
  }
}

/** The schemas' regular expressions are Python's: `\Z` is JavaScript's `$`. */
function toJavaScriptPatterns(node: unknown): void {
  if (Array.isArray(node)) node.forEach(toJavaScriptPatterns);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.pattern === 'string') record.pattern = record.pattern.replace(/\\Z/g, '$');
    Object.values(record).forEach(toJavaScriptPatterns);
  }
}

interface TypeSchema {
  validate: ValidateFunction;
  readOnly: Set<string>;
}

let cache: Map<string, TypeSchema> | undefined;

function loadSchemas(): Map<string, TypeSchema> {
  if (cache) return cache;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
  const loaded = new Map<string, TypeSchema>();
  for (const file of readdirSync(schemaDir).filter((name) => name.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
    applyOverlays(schema);
    toJavaScriptPatterns(schema);
    const { typeName, readOnlyProperties = [] } = schema;
    for (const key of ['$schema', '$id', 'id']) delete schema[key];
    loaded.set(typeName, {
      validate: ajv.compile(schema),
      readOnly: new Set(
        readOnlyProperties.map((pointer: string) => pointer.replace(/^\/properties\//, '').replace(/\//g, '.')),
      ),
    });
  }
  cache = loaded;
  return loaded;
}

export const isIntrinsic = (value: unknown): boolean =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  /^(Ref|Fn::.+|Condition)$/.test(Object.keys(value)[0]);

const containsIntrinsic = (value: unknown): boolean =>
  isIntrinsic(value) ||
  (value !== null && typeof value === 'object' && Object.values(value as object).some(containsIntrinsic));

function valueAt(data: unknown, pointer: string): unknown {
  let node = data;
  for (const part of pointer.split('/').slice(1)) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** A value CloudFormation computes at deploy time is accepted where the schema wants a literal. */
function isIntrinsicError(properties: unknown, error: ErrorObject): boolean {
  const pointer = error.instancePath;
  const segments = pointer.split('/');
  for (let i = segments.length; i > 1; i--) {
    if (isIntrinsic(valueAt(properties, segments.slice(0, i).join('/')))) return true;
  }
  return ['anyOf', 'oneOf', 'if', 'not'].includes(error.keyword) && containsIntrinsic(valueAt(properties, pointer));
}

export function validateTemplate(template: any): string[] {
  const problems: string[] = [];
  const schemas = loadSchemas();
  const resources: Record<string, any> = template.Resources ?? {};
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const exists = (id: string) => id in resources || parameters.has(id) || PSEUDO_PARAMETERS.has(id);

  for (const [id, resource] of Object.entries(resources)) {
    if (!/^[A-Za-z0-9]{1,255}$/.test(id)) problems.push(`${id}: invalid logical id`);
    if (typeof resource.Type !== 'string') problems.push(`${id}: no Type`);
    const typeSchema = schemas.get(resource.Type);
    const properties = resource.Properties ?? {};
    if (typeSchema && !typeSchema.validate(properties)) {
      for (const error of typeSchema.validate.errors ?? []) {
        if (!isIntrinsicError(properties, error)) {
          problems.push(
            `${id} (${resource.Type}) ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
          );
        }
      }
    }
    if (typeSchema) {
      for (const key of Object.keys(properties)) {
        if (typeSchema.readOnly.has(key)) problems.push(`${id}: ${key} is a read-only return value`);
      }
    }
    for (const target of [resource.DependsOn ?? []].flat()) {
      if (!(target in resources)) problems.push(`${id}: DependsOn ${target} does not exist`);
    }
    if (resource.Condition !== undefined && !conditions.has(resource.Condition)) {
      problems.push(`${id}: Condition ${resource.Condition} does not exist`);
    }
  }

  const checkReferences = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => checkReferences(item, where));
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string' && !exists(value))
        problems.push(`${where}: Ref ${value} does not exist`);
      if (key === 'Fn::GetAtt') {
        const [target, attribute] = Array.isArray(value) ? value : String(value).split(/\.(.+)/);
        const resource = resources[target];
        if (!resource) problems.push(`${where}: Fn::GetAtt ${target} does not exist`);
        else {
          const readOnly = schemas.get(resource.Type)?.readOnly;
          if (readOnly && !readOnly.has(attribute))
            problems.push(`${where}: ${resource.Type} has no attribute ${attribute}`);
        }
      }
      if (key === 'Fn::Sub') {
        const [text, variables = {}] = Array.isArray(value) ? value : [value, {}];
        for (const [, name] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const target = name.split('.')[0];
          if (!(name in variables) && !exists(name) && !exists(target))
            problems.push(`${where}: Fn::Sub \${${name}} does not exist`);
        }
      }
      checkReferences(value, where);
    }
  };
  for (const [id, resource] of Object.entries(resources)) checkReferences(resource, id);
  for (const [id, output] of Object.entries(template.Outputs ?? {})) {
    checkReferences(output, `Outputs.${id}`);
    const condition = (output as { Condition?: string }).Condition;
    if (condition !== undefined && !conditions.has(condition))
      problems.push(`Outputs.${id}: Condition ${condition} does not exist`);
  }
  return problems;
}
