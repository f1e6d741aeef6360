'use strict';

const { DynamoDBClient, PutItemCommand, DeleteItemCommand } = require('@aws-sdk/client-dynamodb');

// With TABLE set (serverless.yml), $connect and $disconnect write the connection id as real apps do;
// without it (serverless-no-table.yml), they do nothing: the baseline of the same churn.
const table = process.env.TABLE;
const dynamodb = table ? new DynamoDBClient({}) : undefined;

exports.connect = async (event) => {
  if (dynamodb) await dynamodb.send(new PutItemCommand({ TableName: table, Item: { connectionId: { S: event.requestContext.connectionId }, at: { N: String(event.requestContext.connectedAt) } } }));
  return { statusCode: 200 };
};

exports.disconnect = async (event) => {
  if (dynamodb) await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { connectionId: { S: event.requestContext.connectionId } } }));
  return { statusCode: 200 };
};
