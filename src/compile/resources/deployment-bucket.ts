import type { ServiceModel } from '../../config/model.js';
import { AWS_PARTITION, join, ref, type CfnOutput, type CfnResource } from '../cfn.js';
import { DEPLOYMENT_BUCKET_ID, DEPLOYMENT_BUCKET_OUTPUT_ID, DEPLOYMENT_BUCKET_POLICY_ID } from '../naming.js';

/** The bucket CloudFormation reads artifacts from: `ServerlessDeploymentBucket`, or an existing one by name. */
export function compileDeploymentBucket(model: ServiceModel): {
  resources: Record<string, CfnResource>;
  output: CfnOutput;
  /** What `Code.S3Bucket` of a function is. */
  bucket: unknown;
} {
  const settings = model.provider.deploymentBucket;
  if (settings?.name) {
    return { resources: {}, output: { Value: settings.name }, bucket: settings.name };
  }
  // `serverSideEncryption` only sets the encryption of uploads (v3 keeps the bucket's default at AES256).
  const bucketProperties: Record<string, unknown> = {
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    },
  };
  if (settings?.tags && Object.keys(settings.tags).length > 0) {
    bucketProperties.Tags = Object.entries(settings.tags).map(([Key, Value]) => ({ Key, Value }));
  }
  if (settings?.blockPublicAccess) {
    bucketProperties.PublicAccessBlockConfiguration = {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    };
  }
  const bucketArn = (suffix: string) =>
    join('', ['arn:', AWS_PARTITION, ':s3:::', ref(DEPLOYMENT_BUCKET_ID), ...(suffix ? [suffix] : [])]);
  return {
    resources: {
      [DEPLOYMENT_BUCKET_ID]: { Type: 'AWS::S3::Bucket', Properties: bucketProperties },
      [DEPLOYMENT_BUCKET_POLICY_ID]: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: ref(DEPLOYMENT_BUCKET_ID),
          PolicyDocument: {
            Statement: [
              {
                Action: 's3:*',
                Effect: 'Deny',
                Principal: '*',
                Resource: [bucketArn('/*'), bucketArn('')],
                Condition: { Bool: { 'aws:SecureTransport': false } },
              },
            ],
          },
        },
      },
    },
    output: { Value: ref(DEPLOYMENT_BUCKET_ID) },
    bucket: ref(DEPLOYMENT_BUCKET_ID),
  };
}

export { DEPLOYMENT_BUCKET_OUTPUT_ID };
