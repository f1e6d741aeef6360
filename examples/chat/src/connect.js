'use strict';

const { addConnection } = require('./connections');

exports.handler = async (event) => {
  await addConnection(event.requestContext.connectionId);
  console.log(`connected ${event.requestContext.connectionId} as ${event.requestContext.authorizer.user}`);
  return { statusCode: 200 };
};
