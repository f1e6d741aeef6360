import { describe, expect, it } from 'vitest';
import { loadService } from '../../src/config/load.js';
import { isWsgateError } from '../../src/errors.js';
import { collectTables } from '../../src/dynamodb/table-definitions.js';
import { resolveTableReference } from '../../src/dynamodb/table-references.js';
import { tableName } from '../../src/dynamodb/table-identity.js';
import { writeService } from '../config/write-service.js';

const provider = { service: 'chat', stage: 'dev', region: 'eu-west-1', provider: { stackName: undefined }, functions: new Map(), resources: { Resources: {} }, custom: {} } as never;

/** What collectTables throws for a service whose tables cannot be created. */
function refusalOf(model: Parameters<typeof collectTables>[0]): unknown {
  try {
    collectTables(model, '123456789012');
  } catch (err) {
    return err;
  }
  throw new Error('collectTables accepted the tables');
}

describe('table names and ARNs', () => {
  it('uses TableName when given, else the name CloudFormation generates: {stack}-{LogicalId}-{13 uppercase alphanumerics}', () => {
    expect(tableName('Connections', { TableName: 'my-connections' }, provider)).toBe('my-connections');
    const generated = tableName('ConnectionsTable', {}, provider)!;
    expect(generated).toMatch(/^chat-dev-ConnectionsTable-[A-Z0-9]{13}$/);
    // The same logical id gives the same name on every run (its data stays), another gives another.
    expect(tableName('ConnectionsTable', {}, provider)).toBe(generated);
    expect(tableName('MessagesTable', {}, provider)).not.toBe(generated.replace('ConnectionsTable', 'MessagesTable'));
    // The intrinsic forms real templates name tables with: pseudo parameters in Fn::Sub and Fn::Join.
    expect(tableName('ConnectionsTable', { TableName: { 'Fn::Sub': '${AWS::StackName}-connections-${AWS::Region}' } }, provider)).toBe('chat-dev-connections-eu-west-1');
    expect(tableName('ConnectionsTable', { TableName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'connections']] } }, provider)).toBe('chat-dev-connections');
    expect(tableName('ConnectionsTable', { TableName: { 'Fn::Sub': '${SomeParameter}-x' } }, provider)).toBeUndefined();
    expect(tableName('ConnectionsTable', { TableName: { 'Fn::ImportValue': 'x' } }, provider)).toBeUndefined();
  });
});

describe('tables from resources', () => {
  it('turns AWS::DynamoDB::Table properties into CreateTable requests and resolves Ref/GetAtt of them', async () => {
    const dir = writeService({
      'serverless.yml': `service: shop
provider: { name: aws, runtime: nodejs22.x, region: eu-west-1 }
functions: { f: { handler: h.handler } }
resources:
  Resources:
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: orders-\${sls:stage}
        AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }, { AttributeName: sk, AttributeType: N }, { AttributeName: status, AttributeType: S }]
        KeySchema: [{ AttributeName: sk, KeyType: RANGE }, { AttributeName: pk, KeyType: HASH }]
        ProvisionedThroughput: { ReadCapacityUnits: '5', WriteCapacityUnits: 2 }
        GlobalSecondaryIndexes:
          - IndexName: byStatus
            KeySchema: [{ AttributeName: status, KeyType: HASH }]
            Projection: { ProjectionType: KEYS_ONLY }
        LocalSecondaryIndexes:
          - IndexName: bySk
            KeySchema: [{ AttributeName: pk, KeyType: HASH }, { AttributeName: status, KeyType: RANGE }]
            Projection: { ProjectionType: ALL }
        StreamSpecification: { StreamViewType: NEW_AND_OLD_IMAGES }
        TimeToLiveSpecification: { AttributeName: expiresAt, Enabled: true }
    Sessions:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
        KeySchema: [{ AttributeName: id, KeyType: HASH }]
    Bucket: { Type: AWS::S3::Bucket }
`,
    });
    const { model } = await loadService({ serviceDir: dir });
    const [orders, sessions, ...rest] = collectTables(model, '123456789012');
    expect(rest).toEqual([]);
    expect(orders!.name).toBe('orders-dev');
    expect(orders!.arn).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/orders-dev');
    expect(orders!.streamArn).toMatch(/^arn:aws:dynamodb:eu-west-1:123456789012:table\/orders-dev\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    expect(orders!.keyAttributes).toEqual(['pk', 'sk']);
    expect(orders!.streamViewType).toBe('NEW_AND_OLD_IMAGES');
    expect(orders!.ttlAttribute).toBe('expiresAt');
    expect(orders!.createTableInput).toMatchObject({
      TableName: 'orders-dev',
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 2 },
      GlobalSecondaryIndexes: [{ IndexName: 'byStatus', Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }],
      LocalSecondaryIndexes: [{ IndexName: 'bySk', Projection: { ProjectionType: 'ALL' } }],
    });
    expect(sessions!.name).toMatch(/^shop-dev-Sessions-[A-Z0-9]{13}$/);
    expect(sessions!.createTableInput).toMatchObject({ BillingMode: 'PAY_PER_REQUEST' });
    expect(sessions!.createTableInput).not.toHaveProperty('ProvisionedThroughput');

    const tables = [orders!, sessions!];
    expect(resolveTableReference({ Ref: 'Orders' }, tables)).toBe('orders-dev');
    expect(resolveTableReference({ 'Fn::GetAtt': ['Orders', 'Arn'] }, tables)).toBe(orders!.arn);
    expect(resolveTableReference({ 'Fn::GetAtt': 'Orders.StreamArn' }, tables)).toBe(orders!.streamArn);
    expect(resolveTableReference({ Ref: 'Bucket' }, tables)).toBeUndefined();
  });

  it('evaluates the intrinsics real templates write in a table (IndexName: Fn::Sub, BillingMode: Fn::If) before CreateTable', async () => {
    const dir = writeService({
      'serverless.yml': `service: udagram
provider: { name: aws, runtime: nodejs22.x, region: us-east-1, environment: { IMAGE_ID_INDEX: ImageIdIndex } }
functions: { f: { handler: h.handler } }
resources:
  Conditions:
    IsProd: { 'Fn::Equals': ['\${sls:stage}', prod] }
  Resources:
    Images:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: images-\${sls:stage}
        BillingMode: { 'Fn::If': [IsProd, PROVISIONED, PAY_PER_REQUEST] }
        AttributeDefinitions: [{ AttributeName: groupId, AttributeType: S }, { AttributeName: imageId, AttributeType: S }]
        KeySchema: [{ AttributeName: groupId, KeyType: HASH }]
        GlobalSecondaryIndexes:
          - IndexName: { 'Fn::Sub': '\${self:provider.environment.IMAGE_ID_INDEX}' }
            KeySchema: [{ AttributeName: imageId, KeyType: HASH }]
            Projection: { ProjectionType: ALL }
        SSESpecification: { SSEEnabled: true, KMSMasterKeyId: { Ref: KeyDefinedElsewhere } }
`,
    });
    const { model } = await loadService({ serviceDir: dir });
    const [images] = collectTables(model, '123456789012');
    expect(images!.createTableInput).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{ IndexName: 'ImageIdIndex', KeySchema: [{ AttributeName: 'imageId', KeyType: 'HASH' }] }],
    });
  });

  it('names the property and the intrinsic when a table property cannot be evaluated locally', async () => {
    const dir = writeService({
      'serverless.yml': `service: shop
provider: { name: aws, runtime: nodejs22.x }
functions: { f: { handler: h.handler } }
resources:
  Resources:
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
        KeySchema: [{ AttributeName: id, KeyType: HASH }]
        GlobalSecondaryIndexes:
          - IndexName: { 'Fn::ImportValue': shared-index-name }
            KeySchema: [{ AttributeName: id, KeyType: HASH }]
`,
    });
    const { model } = await loadService({ serviceDir: dir });
    const caught = refusalOf(model);
    expect(caught).toMatchObject({ code: 'DYNAMODB_INVALID_TABLE', path: 'resources.Resources.Orders.Properties.GlobalSecondaryIndexes', userError: true });
    expect((caught as Error).message).toContain('Fn::ImportValue');
  });

  it('names the table, the property and the fix when a table cannot be created', async () => {
    const dir = writeService({
      'serverless.yml': `service: shop
provider: { name: aws, runtime: nodejs22.x }
functions: { f: { handler: h.handler } }
resources:
  Resources:
    Broken:
      Type: AWS::DynamoDB::Table
      Properties:
        AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
`,
    });
    const { model } = await loadService({ serviceDir: dir });
    const caught = refusalOf(model);
    expect(isWsgateError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'DYNAMODB_INVALID_TABLE', path: 'resources.Resources.Broken.Properties.KeySchema', userError: true });
    expect((caught as Error).message).toContain('Broken');
  });
});
