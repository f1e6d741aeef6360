'use strict';

const { DynamoDBClient, DeleteItemCommand } = require('@aws-sdk/client-dynamodb');

const dynamodb = new DynamoDBClient({});

exports.handler = async (event) => {
  await dynamodb.send(new DeleteItemCommand({ TableName: process.env.CONNECTIONS_TABLE, Key: { connectionId: { S: event.requestContext.connectionId } } }));
  return { statusCode: 200 };
};
