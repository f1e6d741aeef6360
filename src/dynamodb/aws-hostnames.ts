/**
 * DynamoDB's AWS host names, `dynamodb.{region}.amazonaws.com`. SDKs that ignore AWS_ENDPOINT_URL_DYNAMODB (JavaScript
 * v3 before its endpoint variables, Go, Rust, Java, a bundle built from any of them) call these; handler processes
 * are sent to the embedded endpoint's TLS front for them instead.
 */

/** Redirect pattern: a `*` label matches any one label, so every region. */
export const DYNAMODB_HOST_PATTERNS: readonly string[] = ['dynamodb.*.amazonaws.com'];

/** Commercial regions: a certificate's wildcard covers only the left-most label, so each region is named. */
const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3',
  'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
];

/** The names the TLS front's certificate covers: the service's region first, then every other. */
export function dynamodbHostnames(region: string): string[] {
  return [...new Set([region, ...AWS_REGIONS])].map((name) => `dynamodb.${name}.amazonaws.com`);
}
