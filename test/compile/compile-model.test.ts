import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import type { FunctionModel, ServiceModel } from '../../src/config/model.js';
import { compile, type CfnTemplate } from '../../src/compile/index.js';
import { FAKE_ARTIFACT, servicesDir } from './fixtures.js';
import { validateTemplate } from './validate-template.js';

const options = { artifact: FAKE_ARTIFACT, artifactDirectoryName: 'serverless/svc/dev/1-2' };

async function basicModel(): Promise<ServiceModel> {
  return (await loadService({ serviceDir: join(servicesDir, 'compile-basic'), env: {} })).model;
}

const idsStartingWith = (template: CfnTemplate, prefix: string) =>
  Object.keys(template.Resources).filter((id) => id.startsWith(prefix) && id !== 'WebsocketsDeploymentStage');

function withFunction(model: ServiceModel, key: string, change: Partial<FunctionModel>): ServiceModel {
  const functions = new Map(model.functions);
  functions.set(key, { ...functions.get(key)!, ...change });
  return { ...model, functions };
}

describe('compile on hand-made models', () => {
  it('is deterministic', async () => {
    const model = await basicModel();
    expect(compile(model, options)).toEqual(compile(model, options));
  });

  it('rolls the deployment id on websocket changes only', async () => {
    const model = await basicModel();
    const base = idsStartingWith(compile(model, options).updateTemplate, 'WebsocketsDeployment');
    expect(base).toHaveLength(1);

    const memory = compile(withFunction(model, 'defaultHandler', { memorySize: 2048 }), options).updateTemplate;
    expect(idsStartingWith(memory, 'WebsocketsDeployment')).toEqual(base);

    const routes = [...model.websocket.routes, { ...model.websocket.routes[3], routeKey: 'bar', configPath: 'x' }];
    const moreRoutes = compile({ ...model, websocket: { ...model.websocket, routes } }, options).updateTemplate;
    expect(idsStartingWith(moreRoutes, 'WebsocketsDeployment')).not.toEqual(base);

    const logs = {
      accessLogging: true,
      executionLogging: true,
      fullExecutionData: true,
      level: 'INFO' as const,
      format: 'f',
      logGroupName: '/aws/websocket/x',
    };
    const withLogs = compile({ ...model, websocket: { ...model.websocket, logs } }, options).updateTemplate;
    expect(idsStartingWith(withLogs, 'WebsocketsDeployment')).not.toEqual(base);
  });

  it('rolls only the version id of the function whose configuration changed', async () => {
    const model = await basicModel();
    const before = idsStartingWith(compile(model, options).updateTemplate, '');
    const after = idsStartingWith(
      compile(withFunction(model, 'defaultHandler', { timeout: 30 }), options).updateTemplate,
      '',
    );
    const changed = after.filter((id) => !before.includes(id));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/^DefaultHandlerLambdaVersion/);
  });

  it('uses an existing role given by logical id or Fn::GetAtt, with DependsOn, and emits no execution role', async () => {
    const model = await basicModel();
    for (const iamRole of ['MyRole', { 'Fn::GetAtt': ['MyRole', 'Arn'] }]) {
      const resources = {
        ...model.resources,
        Resources: { MyRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } } },
      };
      const template = compile(
        { ...model, provider: { ...model.provider, iamRole }, resources },
        options,
      ).updateTemplate;
      expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
      const fn = template.Resources.DefaultHandlerLambdaFunction;
      expect(fn.Properties?.Role).toEqual({ 'Fn::GetAtt': ['MyRole', 'Arn'] });
      expect(fn.DependsOn).toEqual(['DefaultHandlerLogGroup', 'MyRole']);
      expect(validateTemplate(template)).toEqual([]);
    }
  });

  it('emits no websocket resources and no ManageConnections statement without websocket events', async () => {
    const model = await basicModel();
    const template = compile(
      { ...model, websocket: { ...model.websocket, routes: [], authorizers: new Map() } },
      options,
    ).updateTemplate;
    expect(Object.keys(template.Resources).filter((id) => id.includes('Websockets'))).toEqual([]);
    expect(template.Outputs.ServiceEndpointWebsocket).toBeUndefined();
    expect(JSON.stringify(template)).not.toContain('ManageConnections');
    expect(validateTemplate(template)).toEqual([]);
  });

  it('adds ManageConnections once, after the user statements', async () => {
    const model = await basicModel();
    const statement = { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: '*' };
    const template = compile(
      { ...model, provider: { ...model.provider, iamRoleStatements: [statement] } },
      options,
    ).updateTemplate;
    const statements = (template.Resources.IamRoleLambdaExecution.Properties as any).Policies[0].PolicyDocument
      .Statement;
    expect(statements.map((s: { Action: string[] }) => s.Action[0])).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:SendMessage',
      'execute-api:ManageConnections',
    ]);
  });

  it('removes properties a resources: override sets to null, as v3 does', async () => {
    const model = await basicModel();
    const resources = {
      ...model.resources,
      Resources: {
        WebsocketsApi: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Description: null } },
        Topic: { Type: 'AWS::SNS::Topic', Properties: null },
      },
    };
    const template = compile({ ...model, resources }, options).updateTemplate;
    expect(template.Resources.WebsocketsApi.Properties).not.toHaveProperty('Description');
    expect(template.Resources.WebsocketsApi.Properties?.Name).toBe('custom-websockets-api-name');
    expect(template.Resources.Topic).toEqual({ Type: 'AWS::SNS::Topic' });
  });
});
