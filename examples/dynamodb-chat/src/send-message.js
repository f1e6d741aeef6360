'use strict';

const { DynamoDBClient, GetItemCommand, PutItemCommand } = require('@aws-sdk/client-dynamodb');

const dynamodb = new DynamoDBClient({});

// {"action":"sendmessage","text":"hello"}: the message is stored; the messages table's stream broadcasts it.
exports.handler = async (event) => {
  let text;
  try {
    text = JSON.parse(event.body).text;
  } catch {
    text = undefined;
  }
  if (typeof text !== 'string' || text === '') return { statusCode: 400, body: 'text is required' };
  const { connectionId, requestTimeEpoch } = event.requestContext;
  const sender = await dynamodb.send(new GetItemCommand({ TableName: process.env.CONNECTIONS_TABLE, Key: { connectionId: { S: connectionId } } }));
  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.MESSAGES_TABLE,
      Item: {
        room: { S: 'lobby' },
        sentAt: { N: String(requestTimeEpoch) },
        from: { S: sender.Item ? sender.Item.user.S : 'anonymous' },
        text: { S: text },
      },
    }),
  );
  return { statusCode: 200 };
};
