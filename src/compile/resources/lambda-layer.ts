import { createHash } from 'node:crypto';
import type { LayerModel, ServiceModel } from '../../config/model.js';
import { ref, type CfnOutput, type CfnResource } from '../cfn.js';
import { normalizeFunctionName } from '../naming.js';

export const layerArtifactName = (layerKey: string): string => `${layerKey}.zip`;
export const layerOutputIds = (logicalId: string) => ({
  arn: `${logicalId}QualifiedArn`,
  hash: `${logicalId}Hash`,
  s3Key: `${logicalId}S3Key`,
});

/** `AWS::Lambda::LayerVersion` as v3's `compile/layers.js` writes it: content from the deployment bucket, then the optional properties. */
export function compileLambdaLayer(_model: ServiceModel, layer: LayerModel, bucket: unknown, s3Key: string): CfnResource {
  const properties: Record<string, unknown> = {
    Content: { S3Bucket: bucket, S3Key: s3Key },
    LayerName: layer.name ?? layer.key,
  };
  if (layer.description) properties.Description = layer.description;
  if (layer.licenseInfo) properties.LicenseInfo = layer.licenseInfo;
  if (layer.compatibleRuntimes) properties.CompatibleRuntimes = [...layer.compatibleRuntimes];
  if (layer.compatibleArchitectures) properties.CompatibleArchitectures = [...layer.compatibleArchitectures];
  return { Type: 'AWS::Lambda::LayerVersion', Properties: properties };
}

/** v3's layer hash: SHA-1 of the resource without its S3 key, then of the zip's bytes. */
export function layerHash(resource: CfnResource, zipSha1Input: Buffer): string {
  const withoutKey = structuredClone(resource) as unknown as { Properties: { Content: Record<string, unknown> } };
  delete withoutKey.Properties.Content.S3Key;
  return createHash('sha1').update(JSON.stringify(withoutKey)).update(zipSha1Input).digest('hex');
}

/** v3's `getLambdaLayerPermissionLogicalId`: the layer's name, the account (its first `*` as `Wild`), `LambdaLayerPermission`. */
export const layerPermissionId = (layerKey: string, account: string): string =>
  `${normalizeFunctionName(layerKey)}${account.replace('*', 'Wild')}LambdaLayerPermission`;

export interface CompiledLayer {
  /** The LayerVersion's id: v3's `{Name}LambdaLayer`, with the layer hash appended when the layer is retained. */
  readonly logicalId: string;
  readonly layerVersion: CfnResource;
  /** One LayerVersionPermission per entry of `allowedAccounts`, in order. */
  readonly permissions: readonly { readonly logicalId: string; readonly resource: CfnResource }[];
}

/**
 * A layer's resources as v3's `compileLayer` writes them. `retain: true` keeps every version: DeletionPolicy Retain on
 * the LayerVersion and its permissions, and the layer hash appended to their ids, so that a change of content is a new
 * resource and the old one stays. `allowedAccounts` grants each account `lambda:GetLayerVersion`.
 */
export function compileLayerResources(layer: LayerModel, layerVersion: CfnResource, hash: string | undefined): CompiledLayer {
  const retain = layer.retain === true;
  const suffix = retain && hash !== undefined ? hash : '';
  const logicalId = `${layer.logicalId}${suffix}`;
  const permissions = (layer.allowedAccounts ?? []).map((account) => ({
    logicalId: `${layerPermissionId(layer.key, account)}${suffix}`,
    resource: {
      Type: 'AWS::Lambda::LayerVersionPermission',
      Properties: { Action: 'lambda:GetLayerVersion', LayerVersionArn: ref(logicalId), Principal: account },
      ...(retain ? { DeletionPolicy: 'Retain' } : {}),
    },
  }));
  return { logicalId, layerVersion: retain ? { ...layerVersion, DeletionPolicy: 'Retain' } : layerVersion, permissions };
}

/** The three outputs v3 adds per layer (ids from the layer's plain id): its version ARN, hash and S3 key. */
export function compileLayerOutputs(layer: LayerModel, resourceId: string, hash: string | undefined, s3Key: string): Record<string, CfnOutput> {
  const ids = layerOutputIds(layer.logicalId);
  return {
    [ids.arn]: { Description: 'Current Lambda layer version', Value: ref(resourceId) },
    ...(hash === undefined ? {} : { [ids.hash]: { Description: 'Current Lambda layer hash', Value: hash } }),
    [ids.s3Key]: { Description: 'Current Lambda layer S3Key', Value: s3Key },
  };
}
