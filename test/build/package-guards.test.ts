import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateTemplate } from '../compile/validate-template.js';
import { runToEnd, writeService } from './service-dir.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));
const service = (files: Record<string, string>) => {
  const written = writeService(files);
  cleanups.push(written.cleanup);
  return written.dir;
};

const handler = 'exports.connect = async () => ({ statusCode: 200 });\nexports.list = async () => ({ statusCode: 200 });\n';
const mixedService = `service: mixed
provider:
  name: aws
  runtime: nodejs22.x
functions:
  connect:
    handler: handler.connect
    events:
      - websocket: $connect
  list:
    handler: handler.list
    events:
      - http:
          path: items
          method: get
      - schedule: rate(5 minutes)
`;

describe('wsgate package and events it does not compile', () => {
  it('refuses a service with http and schedule events, naming each with file:line, and writes nothing', async () => {
    const dir = service({ 'serverless.yml': mixedService, 'handler.js': handler });
    const result = await runToEnd(dir, ['package']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PACKAGE_EVENT_NOT_COMPILED/);
    expect(result.stderr).toMatch(/serverless\.yml:13:\d+ at functions\.list\.events\[0\]\.http/);
    expect(result.stderr).toMatch(/serverless\.yml:16:\d+ at functions\.list\.events\[1\]\.schedule/);
    expect(result.stderr).toMatch(/--websocket-only/);
    expect(result.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    expect(existsSync(join(dir, '.serverless'))).toBe(false);
  });

  it('packages the websocket part alone when asked with --websocket-only', async () => {
    const dir = service({ 'serverless.yml': mixedService, 'handler.js': handler });
    const result = await runToEnd(dir, ['package', '--websocket-only']);
    expect(result.code, result.stderr).toBe(0);
    const template = JSON.parse(readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8'));
    expect(template.Resources.SconnectWebsocketsRoute.Properties.RouteKey).toBe('$connect');
    expect(validateTemplate(template)).toEqual([]);
  });
});

describe('wsgate package and references to nothing', () => {
  it('refuses a template whose Ref, Fn::GetAtt or DependsOn names a resource that is not in it', async () => {
    const dir = service({
      'handler.js': handler,
      'serverless.yml': `service: dangling
provider:
  name: aws
  runtime: nodejs22.x
functions:
  connect:
    handler: handler.connect
    environment:
      TABLE: { Ref: ConnectionsTabel }
    events:
      - websocket: $connect
resources:
  Resources:
    ConnectionsTable:
      Type: AWS::DynamoDB::Table
      DependsOn: [ConnectionsRole]
      Properties:
        AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
        KeySchema: [{ AttributeName: id, KeyType: HASH }]
        BillingMode: PAY_PER_REQUEST
`,
    });
    const result = await runToEnd(dir, ['package']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PACKAGE_DANGLING_REFERENCE/);
    expect(result.stderr).toMatch(/"ConnectionsTabel" \(Ref\)/);
    expect(result.stderr).toMatch(/"ConnectionsRole" \(DependsOn\)/);
    expect(result.stderr).toMatch(/serverless\.yml:14:\d+ at resources\.Resources\.ConnectionsTable/);
    expect(existsSync(join(dir, '.serverless'))).toBe(false);
  });
});
