'use strict';

const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');

const dynamodb = new DynamoDBClient({});

// Each connection is kept with the @connections endpoint of the API it came through, for the broadcaster.
exports.handler = async (event) => {
  const { connectionId, domainName, stage } = event.requestContext;
  const user = (event.queryStringParameters && event.queryStringParameters.user) || 'anonymous';
  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.CONNECTIONS_TABLE,
      Item: {
        connectionId: { S: connectionId },
        user: { S: user },
        endpoint: { S: `https://${domainName}/${stage}` },
        // API Gateway ends a connection after 2 hours; the table's TTL attribute lets DynamoDB drop stale entries.
        expiresAt: { N: String(Math.floor(Date.now() / 1000) + 2 * 60 * 60) },
      },
    }),
  );
  return { statusCode: 200 };
};
