'use strict';

const { removeConnection } = require('./connections');

exports.handler = async (event) => {
  await removeConnection(event.requestContext.connectionId);
  console.log(`disconnected ${event.requestContext.connectionId}: ${event.requestContext.disconnectReason || ''}`);
  return { statusCode: 200 };
};
