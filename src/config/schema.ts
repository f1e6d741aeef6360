import { acceptAlso, V3_API_GATEWAY_KEYS, V3_DEPLOYMENT_BUCKET_KEYS, V3_FUNCTION_KEYS, V3_LOGS_KEYS, V3_PROVIDER_KEYS, V3_REST_API_LOGS_KEYS, V3_TOP_LEVEL_KEYS } from './v3-keys.js';

/**
 * JSON schema of what wsgate reads from serverless.yml (draft-07, checked by ajv).
 * Shapes follow Serverless v3's own schema (`lib/config-schema.js`, `provider.js`, the websocket event).
 * Every other key Serverless 3.40 accepts is accepted as it is (the tables of v3-keys.ts); unknown keys of the
 * lenient objects (see validate-schema.ts) are warnings, of the others errors. `description` is what error messages say was expected.
 */
const cfFunction = {
  type: 'object',
  description: 'a CloudFormation intrinsic such as { Ref: … } or { Fn::GetAtt: [...] }',
  minProperties: 1,
  maxProperties: 1,
  propertyNames: { pattern: '^(Ref|Condition|Fn::[A-Za-z0-9]+)$' },
};

const cfInstruction = {
  description: 'a non-empty string or a CloudFormation intrinsic ({ Ref: … }, { Fn::GetAtt: … })',
  anyOf: [{ type: 'string', minLength: 1 }, { $ref: '#/definitions/cfFunction' }],
};

const arn = {
  description: 'an ARN ("arn:…") or a CloudFormation intrinsic',
  anyOf: [{ type: 'string', pattern: '^arn:' }, { $ref: '#/definitions/cfFunction' }],
};

const environment = {
  type: ['object', 'null'],
  description: 'a map of environment variable names to values',
  propertyNames: {
    pattern: '^[A-Za-z_][a-zA-Z0-9_]*$',
    description: 'an environment variable name (letters, digits, _; not starting with a digit)',
  },
  additionalProperties: {
    description: 'a string, number, boolean or CloudFormation intrinsic',
    anyOf: [{ type: ['string', 'number', 'boolean'] }, { $ref: '#/definitions/cfFunction' }],
  },
};

const tags = {
  type: ['object', 'null'],
  description: 'a map of tag names to values',
  additionalProperties: { type: ['string', 'number', 'boolean'], description: 'a tag value (text)' },
};

const functionName = {
  type: 'string',
  pattern: '^[a-zA-Z0-9-_]+$',
  description: 'a function key of this service (letters, digits, - and _)',
};

const identitySource = {
  type: 'string',
  pattern: '^(route\\.request\\.(header|querystring)\\.[^\\s.]+|stageVariables\\.[^\\s]+|context\\.[^\\s]+)$',
  description: 'route.request.header.<Name>, route.request.querystring.<name>, stageVariables.<name> or context.<name>',
};

const websocketAuthorizer = {
  description: 'a function name, an ARN, or { name | arn, identitySource }',
  if: { type: 'string' },
  then: {
    pattern: '^(arn:.*|[a-zA-Z0-9-_]+)$',
    description: 'a function key of this service or an ARN ("arn:aws:lambda:…")',
  },
  else: {
    type: 'object',
    properties: {
      name: functionName,
      arn: { $ref: '#/definitions/arn' },
      identitySource: { type: 'array', items: identitySource, minItems: 1, description: 'a list of identity sources' },
    },
    additionalProperties: false,
    anyOf: [{ required: ['name'] }, { required: ['arn'] }],
    description: 'an object with "name" or "arn"',
  },
};

const websocketEvent = {
  description: 'a route key ("$connect") or { route, routeResponseSelectionExpression, authorizer }',
  if: { type: 'string' },
  then: { minLength: 1, description: 'a non-empty route key' },
  else: {
    type: 'object',
    properties: {
      route: { type: 'string', minLength: 1, description: 'a non-empty route key' },
      routeResponseSelectionExpression: { const: '$default', description: '"$default" (the only value AWS accepts for WebSocket APIs)' },
      authorizer: websocketAuthorizer,
    },
    required: ['route'],
    additionalProperties: false,
  },
};

const logsWebsocket = {
  description: 'true/false or { accessLogging, executionLogging, format, fullExecutionData, level }',
  if: { type: 'boolean' },
  else: {
    type: 'object',
    properties: {
      accessLogging: { type: 'boolean' },
      executionLogging: { type: 'boolean' },
      format: { type: 'string', minLength: 1 },
      fullExecutionData: { type: 'boolean' },
      // The level is checked by the cross-field rules, to report Serverless's own error code and text.
      level: { type: 'string' },
    },
    additionalProperties: false,
  },
};

const patterns = {
  type: 'array',
  items: { type: 'string', minLength: 1, description: 'a glob pattern such as "src/**" or "!**/*.test.js"' },
  description: 'a list of glob patterns',
};
const individually = { type: 'boolean', description: 'true (one zip per function) or false' };
const artifact = {
  type: 'string',
  minLength: 1,
  description: 'the path of a prebuilt .zip file, relative to the service folder',
};
/** Whole numbers; digit strings too, since `${env:…}` yields text (CloudFormation takes either). */
const wholeNumber = (minimum: number, maximum?: number) => ({
  type: ['integer', 'string'],
  pattern: '^[0-9]+$',
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
  description: maximum === undefined ? `a whole number ≥ ${minimum}` : `a whole number from ${minimum} to ${maximum}`,
});
const positiveInteger = wholeNumber(1);
const memorySize = wholeNumber(128, 10240);

const functionSchema = {
  type: 'object',
  description: 'a function definition with at least a "handler"',
  properties: acceptAlso({
    // Any string, as in v3: provided.* runtimes take one such as `bootstrap`; the Node and Python form is checked in validate-rules.
    handler: { type: 'string', minLength: 1, description: 'a handler "path/to/file.export"' },
    name: { type: 'string', minLength: 1, maxLength: 64 },
    description: { type: 'string', maxLength: 256 },
    runtime: { type: 'string', minLength: 1 },
    environment,
    memorySize,
    timeout: positiveInteger,
    tags,
    architecture: { enum: ['x86_64', 'arm64'] },
    package: {
      type: 'object',
      description: 'an object with patterns, individually or artifact',
      properties: {
        patterns,
        include: patterns,
        exclude: patterns,
        individually,
        artifact,
      },
      additionalProperties: false,
    },
    events: {
      type: ['array', 'null'],
      description: 'a list of events',
      items: {
        type: 'object',
        description: 'an event such as { websocket: $connect }',
        minProperties: 1,
        maxProperties: 1,
        properties: { websocket: websocketEvent },
      },
    },
    layers: { type: 'array', description: 'a list of layer ARNs or { Ref: … }' },
  }, V3_FUNCTION_KEYS),
  required: ['handler'],
  additionalProperties: false,
};

/** Serverless v3 validates `provider.stage` against this. */
export const STAGE_PATTERN = '^[a-zA-Z0-9-]+$';

const providerSchema = {
  type: 'object',
  properties: acceptAlso({
    name: { const: 'aws', description: '"aws"' },
    runtime: { type: 'string', minLength: 1 },
    // Serverless v3's pattern: the stage is a segment of URLs, ARNs and stack names.
    stage: { type: 'string', pattern: STAGE_PATTERN, description: 'a stage name: letters, digits and -' },
    region: { type: 'string', minLength: 1 },
    profile: { type: 'string' },
    environment,
    memorySize,
    timeout: positiveInteger,
    tags,
    stackTags: tags,
    stackName: { type: 'string', minLength: 1 },
    architecture: { enum: ['x86_64', 'arm64'] },
    versionFunctions: { type: 'boolean' },
    deploymentPrefix: { type: 'string' },
    iam: {
      type: 'object',
      properties: {
        role: {
          description: 'a role ARN/name/intrinsic, or { statements, managedPolicies, … }',
          if: { type: 'object', required: ['Fn::GetAtt'] },
          then: { $ref: '#/definitions/cfFunction' },
          else: {
            anyOf: [
              { type: 'string', minLength: 1 },
              { $ref: '#/definitions/cfFunction' },
              {
                type: 'object',
                properties: {
                  name: { type: 'string' },
                  path: { type: 'string' },
                  statements: { type: 'array', items: { type: 'object' } },
                  managedPolicies: { type: 'array' },
                  permissionsBoundary: {},
                  permissionBoundary: {},
                  tags,
                },
                additionalProperties: false,
              },
            ],
          },
        },
        deploymentRole: {},
      },
    },
    role: { $ref: '#/definitions/cfInstruction' },
    iamRoleStatements: { type: 'array', items: { type: 'object' } },
    iamManagedPolicies: { type: 'array' },
    deploymentBucket: {
      description: 'a bucket name or { name, serverSideEncryption, blockPublicAccess, tags }',
      if: { type: 'string' },
      then: { minLength: 1 },
      else: {
        type: 'object',
        properties: acceptAlso({
          name: { type: 'string', minLength: 1 },
          serverSideEncryption: { type: 'string' },
          blockPublicAccess: { type: 'boolean' },
          tags,
        }, V3_DEPLOYMENT_BUCKET_KEYS),
      },
    },
    logRetentionInDays: positiveInteger,
    logDataProtectionPolicy: { type: 'object' },
    websocketsApiName: { type: 'string', minLength: 1 },
    websocketsApiRouteSelectionExpression: { type: 'string', minLength: 1 },
    websocketsDescription: { type: 'string' },
    websocket: {
      type: 'object',
      properties: { useProviderTags: { type: 'boolean' } },
      additionalProperties: false,
    },
    apiGateway: {
      type: 'object',
      properties: acceptAlso({ websocketApiId: { $ref: '#/definitions/cfInstruction' } }, V3_API_GATEWAY_KEYS),
    },
    logs: {
      type: 'object',
      properties: acceptAlso({
        websocket: logsWebsocket,
        restApi: {
          description: 'true/false or an object',
          type: ['boolean', 'object'],
          properties: acceptAlso({ role: { $ref: '#/definitions/cfInstruction' }, roleManagedExternally: { type: 'boolean' } }, V3_REST_API_LOGS_KEYS),
        },
      }, V3_LOGS_KEYS),
    },
  }, V3_PROVIDER_KEYS),
  required: ['name'],
  additionalProperties: false,
};

export const CONFIG_SCHEMA = {
  $id: 'https://wsgate.local/serverless-config.json',
  type: 'object',
  definitions: { cfFunction, cfInstruction, arn },
  properties: acceptAlso({
    service: {
      type: 'string',
      pattern: '^[a-zA-Z][0-9a-zA-Z-]+$',
      description: 'a service name: a letter, then letters, digits and -',
    },
    frameworkVersion: { type: ['string', 'number'] },
    provider: providerSchema,
    functions: {
      // `functions:` left empty (or a function emptied by comments) is tolerated, as Serverless does.
      type: ['object', 'null'],
      description: 'a map of function keys to function definitions',
      propertyNames: functionName,
      additionalProperties: { if: { type: 'null' }, else: functionSchema },
    },
    package: {
      type: ['object', 'null'],
      description: 'an object with patterns, individually, artifact or excludeDevDependencies',
      properties: {
        patterns,
        include: patterns,
        exclude: patterns,
        individually,
        excludeDevDependencies: { type: 'boolean', description: 'true (leave devDependencies out) or false' },
        artifact,
        // Accepted by Serverless v3's schema and ignored there too.
        path: { type: 'string' },
      },
      additionalProperties: false,
    },
    custom: {
      type: ['object', 'null'],
      properties: {
        wsgate: {
          type: ['object', 'null'],
          properties: {
            environment: {
              ...environment,
              description: 'a map of variable names to values for local runs (null unsets a variable)',
              additionalProperties: {
                description: 'a string, number, boolean, CloudFormation intrinsic or null',
                anyOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { $ref: '#/definitions/cfFunction' }],
              },
            },
            pythonRuntimeApi: { type: 'boolean', description: 'true (Python functions run against a Lambda Runtime API of their own) or false' },
            imports: {
              type: ['object', 'null'],
              description: 'a map of export names (of other stacks, for Fn::ImportValue) to local values',
              additionalProperties: { type: ['string', 'number', 'boolean'] },
            },
          },
        },
      },
    },
    plugins: {
      description: 'a list of plugin names or { localPath, modules }',
      anyOf: [
        { type: 'null' },
        { type: 'array', items: { type: 'string' } },
        {
          type: 'object',
          properties: { localPath: { type: 'string' }, modules: { type: 'array', items: { type: 'string' } } },
          additionalProperties: false,
        },
      ],
    },
    resources: {
      description: 'an object with Resources/Outputs/Conditions, or a list of them',
      anyOf: [{ type: ['object', 'null'] }, { type: 'array', items: { type: 'object' } }],
    },
    params: { type: 'object' },
    // Known top-level settings wsgate accepts and has no use for.
    app: {},
    org: {},
    console: {},
    outputs: {},
    useDotenv: { type: 'boolean', description: 'true (load .env.{stage} or .env) or false' },
    configValidationMode: { enum: ['error', 'warn', 'off'] },
    variablesResolutionMode: {},
    deprecationNotificationMode: {},
    disabledDeprecations: {},
    layers: {
      type: ['object', 'null'],
      description: 'a map of layer names to layer definitions',
      additionalProperties: {
        type: 'object',
        description: 'a layer definition (path, name, description, retain, allowedAccounts, …)',
        properties: {
          path: { type: 'string' },
          retain: { type: 'boolean', description: 'true (keep every version when the stack changes) or false' },
          allowedAccounts: {
            type: 'array',
            description: 'a list of accounts that may use the layer',
            items: {
              type: 'string',
              // Serverless v3's pattern (provider.js).
              pattern: '^(\\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root)$',
              description: "a 12-digit account id in quotes ('123456789012'), '*', or arn:aws:iam::<account id>:root",
            },
          },
        },
      },
    },
    // Defined by the serverless-step-functions plugin, common beside websocket services.
    stepFunctions: {},
  }, V3_TOP_LEVEL_KEYS),
  required: ['service', 'provider'],
  additionalProperties: false,
} as const;

/** Objects whose unknown keys are warnings (wsgate ignores them), by config path pattern. */
export const LENIENT_OBJECTS: readonly RegExp[] = [
  /^$/,
  /^provider$/,
  /^provider\.(iam|apiGateway|logs|deploymentBucket)$/,
  /^provider\.logs\.restApi$/,
  /^functions\.[^.]+$/,
];
