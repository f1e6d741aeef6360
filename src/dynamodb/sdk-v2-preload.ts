import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * AWS SDK for JavaScript v2 ignores AWS_ENDPOINT_URL_DYNAMODB. Handler processes preload this (NODE_OPTIONS
 * --require): when the handler loads `aws-sdk`, its global config gets the endpoint for DynamoDB, unless the code
 * set one itself, so `new AWS.DynamoDB()` and `new AWS.DynamoDB.DocumentClient()` reach the embedded endpoint.
 */
const PRELOAD_SOURCE = `'use strict';
// Written by wsgate dev: points AWS SDK v2 DynamoDB clients at AWS_ENDPOINT_URL_DYNAMODB.
// The hook is on compiling aws-sdk's lib/node_loader.js (it sets AWS.config), which require() and import both do.
const Module = require('node:module');
const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
if (endpoint) {
  const compileJs = Module._extensions['.js'];
  Module._extensions['.js'] = function (module, filename) {
    const result = compileJs.apply(this, arguments);
    if (/[\\\\/]aws-sdk[\\\\/]lib[\\\\/]node_loader\\.js$/.test(filename)) {
      const AWS = module.exports;
      const own = (AWS && AWS.config && AWS.config.dynamodb) || {};
      if (AWS && AWS.config && !own.endpoint) AWS.config.dynamodb = Object.assign({}, own, { endpoint });
    }
    return result;
  };
}
`;

/** Writes the preload into the service's `.wsgate/` folder; answers the NODE_OPTIONS that loads it. */
export async function writeSdkV2Preload(wsgateDir: string): Promise<string> {
  const file = path.join(wsgateDir, 'aws-sdk-v2-dynamodb-endpoint.cjs');
  await mkdir(wsgateDir, { recursive: true });
  await writeFile(file, PRELOAD_SOURCE);
  return `--require ${JSON.stringify(file)}`;
}
