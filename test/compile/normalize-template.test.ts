import { describe, expect, it } from 'vitest';
import { normalizeTemplate } from './normalize-template.js';
import { readReference } from './fixtures.js';

describe('normalizeTemplate (the comparison helper)', () => {
  const reference = readReference('compile-route-response', 'update') as any;

  it('ignores version and deployment hash suffixes, S3 key prefixes and CodeSha256 everywhere they appear', () => {
    const renamed = JSON.parse(
      JSON.stringify(reference)
        .replace(/(LambdaVersion)[A-Za-z0-9]+/g, '$1OtherHash1')
        .replace(/WebsocketsDeployment(?!Stage)[A-Za-z0-9]+/g, 'WebsocketsDeploymentOtherHash2')
        .replace(/serverless\/serverless-ws-test\/dev\/[^/]+\//g, 'serverless/serverless-ws-test/dev/1-2024/')
        .replace(/"CodeSha256": ?"[^"]+"/g, '"CodeSha256":"other"'),
    );
    expect(JSON.stringify(renamed)).not.toBe(JSON.stringify(reference));
    expect(normalizeTemplate(renamed)).toEqual(normalizeTemplate(reference));
  });

  it('still sees every other difference', () => {
    const changes: Array<(t: any) => void> = [
      (t) => (t.Resources.WebsocketsApi.Properties.Name = 'other'),
      (t) => (t.Resources.WebsocketsDeploymentStage.Properties.StageName = 'prod'),
      (t) => delete t.Resources.SconnectWebsocketsRoute,
      (t) => (t.Resources.ConnectionHandlerLambdaFunction.Properties.Code.S3Key = 'x/other-name.zip'),
      (t) => (t.Outputs.ServiceEndpointWebsocket.Export.Name = 'other'),
      (t) => t.Resources.WebsocketsApi.DependsOn?.push('X') ?? (t.Resources.WebsocketsApi.DependsOn = ['X']),
    ];
    for (const change of changes) {
      const copy = structuredClone(reference);
      change(copy);
      expect(normalizeTemplate(copy)).not.toEqual(normalizeTemplate(reference));
    }
  });
});
