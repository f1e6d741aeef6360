'use strict';

const fs = require('node:fs/promises');
const path = require('node:path');

// One empty file per connection id: adding, removing and listing never race between handler
// instances the way rewriting one shared JSON file would. Module memory would not do: every
// Lambda instance (and every wsgate handler instance) has its own.
function directory() {
  return path.resolve(__dirname, '..', process.env.CONNECTIONS_DIR || '.wsgate/chat-connections');
}

exports.addConnection = async (connectionId) => {
  await fs.mkdir(directory(), { recursive: true });
  await fs.writeFile(path.join(directory(), encodeURIComponent(connectionId)), '');
};

exports.removeConnection = async (connectionId) => {
  await fs.rm(path.join(directory(), encodeURIComponent(connectionId)), { force: true });
};

exports.listConnections = async () => {
  try {
    return (await fs.readdir(directory())).map(decodeURIComponent);
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
};
