import type { ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import { checkReferences } from './check-references.js';
import { throwIssues } from './check-issues.js';
import type { CfnOutput, CfnTemplate } from './cfn.js';
import { compileGeneratedResources } from './compile-generated.js';
import { mergeUserResources } from './merge-user-resources.js';
import { stripNullProperties } from './strip-null-properties.js';
import { DEPLOYMENT_BUCKET_OUTPUT_ID } from './naming.js';

export type { CfnOutput, CfnResource, CfnTemplate } from './cfn.js';
export { artifactFileName, functionArtifactSource, type FunctionArtifactSource } from './function-artifact.js';

export interface CompileOptions {
  /** The service artifact: its file name (the last segment of the S3 key) and base64 SHA-256. */
  artifact: { name: string; sha256: string };
  /**
   * Per-function artifacts by function key. Without an entry, a function's file name is the one
   * Serverless v3 gives its artifact (`functionArtifactSource`) and its hash is `artifact`'s.
   */
  functionArtifacts?: Readonly<Record<string, { name: string; sha256: string }>>;
  /** The zip of each service layer by its key (`layers.<key>`), for v3's layer hash output; packaged layers need it. */
  layerZips?: Readonly<Record<string, Buffer>>;
  /** S3 key prefix of this deployment: `{deploymentPrefix}/{service}/{stage}/{epoch}-{iso date}`. */
  artifactDirectoryName: string;
}

export interface CompiledService {
  /** Undefined when the service deploys to an existing bucket (Serverless v3 writes no create template then). */
  createTemplate?: CfnTemplate;
  updateTemplate: CfnTemplate;
  /** True when the update template references `custom-resources.zip` (the API Gateway CloudWatch role). */
  needsCustomResources: boolean;
}

const DESCRIPTION = 'The AWS CloudFormation template for this Serverless application';

const emptyTemplate = (): CfnTemplate => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Description: DESCRIPTION,
  Resources: {},
  Outputs: {},
});

/**
 * Compiles a service into the CloudFormation templates Serverless Framework v3 would produce.
 * Pure: no file system, no clock (the caller passes the artifact hash and S3 prefix).
 * Every problem is reported at once as a WsgateError naming the config path.
 */
export function compile(model: ServiceModel, options: CompileOptions): CompiledService {
  const issues: ErrorDetail[] = [];
  const generated = compileGeneratedResources(model, options, issues);

  const updateTemplate = emptyTemplate();
  updateTemplate.Resources = generated.resources;
  updateTemplate.Outputs = generated.outputs;
  mergeUserResources(model, updateTemplate, issues);
  throwIssues(issues);
  // Only once the template is whole: a user resource may be what a generated one refers to.
  throwIssues(checkReferences(model, updateTemplate));
  stripNullProperties(updateTemplate);

  let createTemplate: CfnTemplate | undefined;
  if (!model.provider.deploymentBucket?.name) {
    createTemplate = emptyTemplate();
    for (const id of generated.coreResourceIds) createTemplate.Resources[id] = generated.resources[id];
    const bucketOutput = generated.outputs[DEPLOYMENT_BUCKET_OUTPUT_ID] as CfnOutput;
    createTemplate.Outputs[DEPLOYMENT_BUCKET_OUTPUT_ID] = { Value: bucketOutput.Value };
  }
  if (createTemplate) throwIssues(checkReferences(model, createTemplate));
  return {
    createTemplate: createTemplate && (structuredClone(createTemplate) as CfnTemplate),
    updateTemplate,
    needsCustomResources: generated.needsCustomResources,
  };
}
