import type { ServiceModel } from '../../config/model.js';
import type { CfnResource } from '../cfn.js';

/** An `AWS::Logs::LogGroup` with the provider's retention and data protection policy. */
export function compileLogGroup(model: ServiceModel, logGroupName: string): CfnResource {
  const properties: Record<string, unknown> = { LogGroupName: logGroupName };
  if (model.provider.logRetentionInDays !== undefined) properties.RetentionInDays = model.provider.logRetentionInDays;
  if (model.provider.logDataProtectionPolicy !== undefined) {
    properties.DataProtectionPolicy = model.provider.logDataProtectionPolicy;
  }
  return { Type: 'AWS::Logs::LogGroup', Properties: properties };
}
