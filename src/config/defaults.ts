/** Serverless Framework v3 defaults that wsgate reproduces. */
export const DEFAULT_STAGE = 'dev';
export const DEFAULT_REGION = 'us-east-1';
/** Serverless v3.40 `AwsProvider#getRuntime` default (`lib/plugins/aws/provider.js`: `const defaultRuntime = 'nodejs16.x'`). */
export const DEFAULT_RUNTIME = 'nodejs16.x';
export const DEFAULT_MEMORY_SIZE = 1024;
export const DEFAULT_TIMEOUT = 6;
export const DEFAULT_DEPLOYMENT_PREFIX = 'serverless';
