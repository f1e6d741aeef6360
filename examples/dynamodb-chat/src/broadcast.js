'use strict';

const { ApiGatewayManagementApiClient, PostToConnectionCommand } = require('@aws-sdk/client-apigatewaymanagementapi');
const { DynamoDBClient, DeleteItemCommand, ScanCommand } = require('@aws-sdk/client-dynamodb');

const dynamodb = new DynamoDBClient({});
const clients = new Map();
const managementClient = (endpoint) => {
  if (!clients.has(endpoint)) clients.set(endpoint, new ApiGatewayManagementApiClient({ endpoint }));
  return clients.get(endpoint);
};

// Triggered by the messages table's stream (INSERT records only, per filterPatterns): every new message goes to
// every connection in the connections table; connections that are gone (410) are removed.
exports.handler = async (event) => {
  const { Items: connections = [] } = await dynamodb.send(new ScanCommand({ TableName: process.env.CONNECTIONS_TABLE }));
  for (const record of event.Records) {
    const image = record.dynamodb.NewImage;
    const data = Buffer.from(JSON.stringify({ from: image.from.S, text: image.text.S }));
    await Promise.all(
      connections.map(async (connection) => {
        const connectionId = connection.connectionId.S;
        try {
          await managementClient(connection.endpoint.S).send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
        } catch (err) {
          if (err.name !== 'GoneException') throw err;
          await dynamodb.send(new DeleteItemCommand({ TableName: process.env.CONNECTIONS_TABLE, Key: { connectionId: { S: connectionId } } }));
        }
      }),
    );
  }
};
