import type { TableDefinition } from './table-definitions.js';
import { tableNameOfArn } from './table-identity.js';

/**
 * `Ref` and `Fn::GetAtt` (`Arn`, `StreamArn`) of the service's own tables, the only intrinsics resolved here;
 * a general CloudFormation resolver may take this over, using the same table identities.
 */
export function resolveTableReference(value: unknown, tables: readonly TableDefinition[]): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const byId = (id: unknown) => tables.find((table) => table.logicalId === id);
  const record = value as Record<string, unknown>;
  if (Object.keys(record).length !== 1) return undefined;
  if ('Ref' in record) return byId(record.Ref)?.name;
  const getAtt = record['Fn::GetAtt'];
  const [id, attribute] = typeof getAtt === 'string' ? getAtt.split('.') : Array.isArray(getAtt) ? getAtt : [];
  const table = byId(id);
  if (!table) return undefined;
  return attribute === 'Arn' ? table.arn : attribute === 'StreamArn' ? table.streamArn : undefined;
}

/** The table of the service a stream event's `arn` names: `!GetAtt Table.StreamArn`, or the ARN as a string. */
export function tableOfStreamArn(arn: unknown, tables: readonly TableDefinition[]): TableDefinition | undefined {
  const resolved = typeof arn === 'string' ? arn : resolveTableReference(arn, tables);
  if (resolved === undefined) return undefined;
  const name = tableNameOfArn(resolved);
  return tables.find((table) => table.name === name);
}
