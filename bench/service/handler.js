// Handlers as users write them: the AWS SDK v3 management client, endpoint from the event.
const { ApiGatewayManagementApiClient, PostToConnectionCommand } = require('@aws-sdk/client-apigatewaymanagementapi');

const clients = new Map();

function clientFor(event) {
  const { domainName, stage } = event.requestContext;
  const endpoint = process.env.OFFLINE_ENDPOINT || `https://${domainName}/${stage}`;
  let client = clients.get(endpoint);
  if (!client) {
    client = new ApiGatewayManagementApiClient({ endpoint });
    clients.set(endpoint, client);
  }
  return client;
}

const allow = (methodArn) => ({
  principalId: 'bench',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }] },
});

module.exports.auth = async (event) => {
  if (event.queryStringParameters?.token !== 'bench') throw new Error('Unauthorized');
  return allow(event.methodArn);
};

module.exports.connect = async () => ({ statusCode: 200 });

module.exports.disconnect = async () => ({ statusCode: 200 });

module.exports.echo = async (event) => ({ statusCode: 200, body: event.body });

module.exports.whoami = async (event) => ({ statusCode: 200, body: event.requestContext.connectionId });

module.exports.post = async (event) => {
  await clientFor(event).send(new PostToConnectionCommand({ ConnectionId: event.requestContext.connectionId, Data: event.body }));
  return { statusCode: 200 };
};

// {"action":"broadcast","to":[ids…],"data":"…"}: one message fanned out to every listed connection.
module.exports.broadcast = async (event) => {
  const { to, data } = JSON.parse(event.body);
  const client = clientFor(event);
  await Promise.all(to.map((id) => client.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }))));
  return { statusCode: 200 };
};
