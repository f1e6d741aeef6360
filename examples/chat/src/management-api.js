'use strict';

const { ApiGatewayManagementApiClient, PostToConnectionCommand } = require('@aws-sdk/client-apigatewaymanagementapi');

// The @connections endpoint of the API that sent the event, built as AWS documents it.
exports.createManagementClient = (event) =>
  new ApiGatewayManagementApiClient({
    endpoint: `https://${event.requestContext.domainName}/${event.requestContext.stage}`,
    region: process.env.AWS_REGION || 'us-east-1',
  });

/** Sends `payload` to one connection; resolves false when the connection is gone (410). */
exports.postToConnection = async (client, connectionId, payload) => {
  try {
    await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(JSON.stringify(payload)) }));
    return true;
  } catch (err) {
    if (err.name === 'GoneException' || (err.$metadata && err.$metadata.httpStatusCode === 410)) return false;
    throw err;
  }
};
