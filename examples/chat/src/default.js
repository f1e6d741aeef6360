'use strict';

const { createManagementClient, postToConnection } = require('./management-api');

// $default has no route response: the reply goes back through @connections.
exports.handler = async (event) => {
  await postToConnection(createManagementClient(event), event.requestContext.connectionId, {
    error: 'unknown action',
    hint: 'send {"action":"sendmessage","text":"…"} or {"action":"ping"}',
    received: event.body,
  });
  return { statusCode: 200 };
};
