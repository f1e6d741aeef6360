'use strict';

const { listConnections, removeConnection } = require('./connections');
const { createManagementClient, postToConnection } = require('./management-api');

// {"action":"sendmessage","text":"hello"} → {"from":"<user>","text":"hello"} to every connection.
exports.handler = async (event) => {
  let text;
  try {
    text = JSON.parse(event.body).text;
  } catch {
    text = undefined;
  }
  if (typeof text !== 'string' || text === '') return { statusCode: 400, body: 'text is required' };

  const client = createManagementClient(event);
  const message = { from: event.requestContext.authorizer.user, text };
  const connections = await listConnections();
  await Promise.all(
    connections.map(async (connectionId) => {
      const delivered = await postToConnection(client, connectionId, message);
      if (!delivered) await removeConnection(connectionId);
    }),
  );
  return { statusCode: 200 };
};
