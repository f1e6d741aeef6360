import { createHash } from 'node:crypto';
import type { LayerModel, ServiceModel } from '../../config/model.js';
import { ref, type CfnOutput, type CfnResource } from '../cfn.js';

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

/** The three outputs v3 adds per layer: its version ARN, hash and S3 key. */
export function compileLayerOutputs(logicalId: string, hash: string | undefined, s3Key: string): Record<string, CfnOutput> {
  const ids = layerOutputIds(logicalId);
  return {
    [ids.arn]: { Description: 'Current Lambda layer version', Value: ref(logicalId) },
    ...(hash === undefined ? {} : { [ids.hash]: { Description: 'Current Lambda layer hash', Value: hash } }),
    [ids.s3Key]: { Description: 'Current Lambda layer S3Key', Value: s3Key },
  };
}
