'use strict';

// REQUEST authorizer: API Gateway has already checked that ?token= is present (identitySource).
// Throwing 'Unauthorized' answers 401; a Deny policy answers 403.
exports.handler = async (event) => {
  const token = (event.queryStringParameters || {}).token || headerValue(event.headers, 'auth');
  if (!token) throw new Error('Unauthorized');
  const expected = process.env.CHAT_TOKEN;
  const user = (event.queryStringParameters || {}).user || 'anonymous';
  return {
    principalId: user,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: token === expected ? 'Allow' : 'Deny', Resource: event.methodArn }],
    },
    // Reaches every later event of this connection as requestContext.authorizer.user.
    context: { user },
  };
};

function headerValue(headers, name) {
  for (const [key, value] of Object.entries(headers || {})) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}
