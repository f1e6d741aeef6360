import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOUDWATCH_ROLE_HANDLER_SOURCE } from '../../src/package/cloudwatch-role-handler-source.js';

/**
 * Runs the custom resource handler shipped in custom-resources.zip with the real AWS SDK v3 IAM and
 * API Gateway clients, pointed (AWS_ENDPOINT_URL_*) at a server on 127.0.0.1 that answers like IAM
 * (query protocol, XML) and API Gateway (REST JSON), and receives CloudFormation's response PUT.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ACCOUNT = '123456789012';
const DEFAULT_ROLE = `arn:aws:iam::${ACCOUNT}:role/serverlessApiGatewayCloudWatchRole`;
const PUSH_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';

interface Recorded {
  service: 'iam' | 'apigateway' | 'cloudformation';
  action: string;
  body: string;
}

interface FakeAws {
  roleExists: boolean;
  attached: string[];
  accountRole?: string;
  denyIam?: boolean;
}

const xml = (action: string, result = '') =>
  `<${action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">${result}<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`;

let servers: Server[] = [];
let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  servers = [];
  dirs = [];
});

async function startFakeAws(state: FakeAws): Promise<{ url: string; recorded: Recorded[] }> {
  const recorded: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname.startsWith('/iam')) {
        const params = new URLSearchParams(body);
        const action = params.get('Action') ?? '';
        recorded.push({ service: 'iam', action, body });
        res.setHeader('content-type', 'text/xml');
        if (state.denyIam) {
          res.statusCode = 403;
          return res.end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed to ${action}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
          );
        }
        if (action === 'ListAttachedRolePolicies') {
          if (!state.roleExists) {
            res.statusCode = 404;
            return res.end(
              `<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>no role</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
            );
          }
          const members = state.attached
            .map((arn) => `<member><PolicyName>p</PolicyName><PolicyArn>${arn}</PolicyArn></member>`)
            .join('');
          return res.end(
            xml(
              action,
              `<ListAttachedRolePoliciesResult><AttachedPolicies>${members}</AttachedPolicies><IsTruncated>false</IsTruncated></ListAttachedRolePoliciesResult>`,
            ),
          );
        }
        if (action === 'CreateRole') {
          state.roleExists = true;
          return res.end(
            xml(
              action,
              `<CreateRoleResult><Role><Path>/</Path><RoleName>${params.get('RoleName')}</RoleName><RoleId>AROA1</RoleId><Arn>${DEFAULT_ROLE}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></Role></CreateRoleResult>`,
            ),
          );
        }
        if (action === 'AttachRolePolicy') {
          state.attached.push(params.get('PolicyArn') ?? '');
          return res.end(xml(action));
        }
        res.statusCode = 400;
        return res.end('<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>');
      }
      if (url.pathname.startsWith('/apigateway/account')) {
        recorded.push({ service: 'apigateway', action: req.method ?? '', body });
        res.setHeader('content-type', 'application/json');
        if (req.method === 'PATCH') {
          const operation = JSON.parse(body).patchOperations[0];
          state.accountRole = operation.value;
        }
        return res.end(JSON.stringify(state.accountRole ? { cloudwatchRoleArn: state.accountRole } : {}));
      }
      if (url.pathname.startsWith('/cloudformation')) {
        recorded.push({ service: 'cloudformation', action: req.method ?? '', body });
        return res.end();
      }
      res.statusCode = 404;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, recorded };
}

function runHandler(url: string, event: Record<string, unknown>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wsgate-cr-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'handler.js'), CLOUDWATCH_ROLE_HANDLER_SOURCE);
  const context = {
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:svc-dev-custom-resource-apigw-cw-role`,
    logStreamName: '2024/01/01/[$LATEST]abc',
  };
  const script = `require(${JSON.stringify(join(dir, 'handler.js'))}).handler(${JSON.stringify(event)}, ${JSON.stringify(context)})`;
  const env = {
    PATH: process.env.PATH,
    NODE_PATH: join(root, 'node_modules'),
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'y',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_IAM: `${url}/iam`,
    AWS_ENDPOINT_URL_API_GATEWAY: `${url}/apigateway`,
  };
  return new Promise((done, fail) =>
    execFile(process.execPath, ['-e', script], { env }, (error, _stdout, stderr) =>
      error ? fail(new Error(`${error.message}\n${stderr}`)) : done(),
    ),
  );
}

const event = (url: string, requestType: string, properties: Record<string, unknown> = {}) => ({
  RequestType: requestType,
  ResponseURL: `${url}/cloudformation/response`,
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/svc-dev/1',
  RequestId: 'req-1',
  LogicalResourceId: 'CustomApiGatewayAccountCloudWatchRole',
  ResourceType: 'Custom::ApiGatewayAccountRole',
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:svc-dev-custom-resource-apigw-cw-role',
  ResourceProperties: { ServiceToken: 'x', ...properties },
});

const responseOf = (recorded: Recorded[]) => {
  const responses = recorded.filter((entry) => entry.service === 'cloudformation');
  expect(responses).toHaveLength(1);
  return JSON.parse(responses[0].body);
};

describe('the API Gateway CloudWatch role custom resource handler', () => {
  it('on Create without RoleArn: creates the default role, attaches the push policy, sets it on the account', async () => {
    const state: FakeAws = { roleExists: false, attached: [] };
    const aws = await startFakeAws(state);
    await runHandler(aws.url, event(aws.url, 'Create'));
    expect(aws.recorded.map((entry) => `${entry.service} ${entry.action}`)).toEqual([
      'apigateway GET',
      'iam ListAttachedRolePolicies',
      'iam CreateRole',
      'iam AttachRolePolicy',
      'apigateway PATCH',
      'cloudformation PUT',
    ]);
    const createRole = new URLSearchParams(aws.recorded[2].body);
    expect(createRole.get('RoleName')).toBe('serverlessApiGatewayCloudWatchRole');
    expect(JSON.parse(createRole.get('AssumeRolePolicyDocument') ?? '{}').Statement[0].Principal).toEqual({
      Service: ['apigateway.amazonaws.com'],
    });
    expect(state.attached).toEqual([PUSH_POLICY]);
    expect(state.accountRole).toBe(DEFAULT_ROLE);
    expect(responseOf(aws.recorded)).toMatchObject({
      Status: 'SUCCESS',
      RequestId: 'req-1',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/svc-dev/1',
      LogicalResourceId: 'CustomApiGatewayAccountCloudWatchRole',
    });
  });

  it('on Create with the RoleArn already set on the account: touches nothing and succeeds', async () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/existing`;
    const aws = await startFakeAws({ roleExists: true, attached: [], accountRole: role });
    await runHandler(aws.url, event(aws.url, 'Create', { RoleArn: role }));
    expect(aws.recorded.map((entry) => `${entry.service} ${entry.action}`)).toEqual([
      'apigateway GET',
      'cloudformation PUT',
    ]);
    expect(responseOf(aws.recorded).Status).toBe('SUCCESS');
  });

  it('on Delete: leaves the account setting alone (other stacks rely on it)', async () => {
    const aws = await startFakeAws({ roleExists: true, attached: [PUSH_POLICY], accountRole: DEFAULT_ROLE });
    await runHandler(aws.url, event(aws.url, 'Delete'));
    expect(aws.recorded.map((entry) => `${entry.service} ${entry.action}`)).toEqual(['cloudformation PUT']);
    expect(responseOf(aws.recorded).Status).toBe('SUCCESS');
  });

  it('reports FAILED with the reason to CloudFormation when IAM refuses', async () => {
    const state: FakeAws = { roleExists: true, attached: [], denyIam: true };
    const aws = await startFakeAws(state);
    await runHandler(aws.url, event(aws.url, 'Create'));
    const response = responseOf(aws.recorded);
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain('not allowed to ListAttachedRolePolicies');
    expect(state.accountRole).toBeUndefined();
  });
});
