import { createHash } from 'node:crypto';
import { deriveApiId, LOCAL_ACCOUNT_ID } from '../../gateway/ids.js';
import { isRecord } from '../is-record.js';
import type { ServiceModel } from '../model.js';
import { evaluateIntrinsics, type IntrinsicScope } from './evaluate-intrinsics.js';
import { resourceAttributes, stackNameOf, type ResourceValues, type StackIdentity } from './resource-attributes.js';

/** Where `Fn::ImportValue` finds exports of other stacks for local runs: export name → value. */
export const IMPORTS_PATH = 'custom.wsgate.imports';

/** Name properties that are intrinsics themselves (`TableName: !Sub ${AWS::StackName}-x`) nest no deeper than this. */
const MAX_NAME_DEPTH = 8;

/** The pseudo parameters of the service's stack. */
export function pseudoParameters(identity: StackIdentity): Record<string, string> {
  const stackUuid = createHash('sha256').update(`${identity.accountId}\0${identity.region}\0${identity.stackName}`).digest('hex');
  const uuid = `${stackUuid.slice(0, 8)}-${stackUuid.slice(8, 12)}-${stackUuid.slice(12, 16)}-${stackUuid.slice(16, 20)}-${stackUuid.slice(20, 32)}`;
  return {
    'AWS::Region': identity.region,
    'AWS::AccountId': identity.accountId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': identity.stackName,
    'AWS::StackId': `arn:aws:cloudformation:${identity.region}:${identity.accountId}:stack/${identity.stackName}/${uuid}`,
  };
}

/** The stack `wsgate dev` stands in for: the model's region and stage, the gateway's account and API id unless given. */
export function localStackIdentity(model: ServiceModel, overrides: Partial<StackIdentity> = {}): StackIdentity {
  const stage = overrides.stage ?? model.stage;
  return {
    region: model.region,
    accountId: LOCAL_ACCOUNT_ID,
    stackName: stackNameOf(model, stage),
    apiId: deriveApiId(model.service, stage),
    stage,
    ...overrides,
  };
}

/**
 * What `Ref` and `Fn::GetAtt` give for one resource of the service (a table's name and ARN, a queue's URL…),
 * with name properties that are intrinsics themselves evaluated. Undefined for an id it does not know.
 */
export function serviceResourceAttributes(model: ServiceModel, logicalId: string, identity = localStackIdentity(model)): ResourceValues | undefined {
  return buildScope(model, identity).valuesOf(logicalId);
}

/**
 * The scope intrinsics of the service's configuration are evaluated in locally: its pseudo parameters, the
 * resources it generates and declares, its `Parameters` defaults, `Conditions`, `Mappings`, and the exports
 * mapped in `custom.wsgate.imports`.
 */
export function createServiceScope(model: ServiceModel, identity: StackIdentity): IntrinsicScope {
  return buildScope(model, identity).scope;
}

function buildScope(model: ServiceModel, identity: StackIdentity): { scope: IntrinsicScope; valuesOf: (logicalId: string) => ResourceValues | undefined } {
  // Models built by hand (library users, tests) may leave out what serverless.yml always has.
  const resources: Partial<ServiceModel['resources']> = model.resources ?? {};
  const extra = resources.extra ?? {};
  const parameters = isRecord(extra.Parameters) ? extra.Parameters : {};
  const wsgate = isRecord(model.custom?.wsgate) ? model.custom.wsgate : {};
  const imports = isRecord(wsgate.imports) ? wsgate.imports : {};
  let depth = 0;
  const scope: IntrinsicScope = {
    pseudoParameters: pseudoParameters(identity),
    conditions: resources.Conditions ?? {},
    mappings: isRecord(extra.Mappings) ? extra.Mappings : {},
    ref(logicalId) {
      const parameter = parameters[logicalId];
      if (isRecord(parameter)) return parameter.Default === undefined ? undefined : String(parameter.Default);
      return valuesOf(logicalId)?.ref;
    },
    getAtt: (logicalId, attribute) => valuesOf(logicalId)?.attributes[attribute],
    importValue(exportName) {
      const value = imports[exportName];
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    },
  };
  const nameOf = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (depth >= MAX_NAME_DEPTH) return undefined;
    depth++;
    try {
      const evaluated = evaluateIntrinsics(value, scope);
      return evaluated.ok && typeof evaluated.value === 'string' ? evaluated.value : undefined;
    } finally {
      depth--;
    }
  };
  const valuesOf = (logicalId: string) => resourceAttributes(model, identity, logicalId, nameOf);
  return { scope, valuesOf };
}
