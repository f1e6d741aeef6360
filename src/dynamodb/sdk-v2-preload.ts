import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * AWS SDK for JavaScript v2 ignores AWS_ENDPOINT_URL_DYNAMODB. Handler processes preload this (NODE_OPTIONS
 * --require): when the handler loads `aws-sdk`, its global config gets the endpoint for DynamoDB, unless the code
 * set one itself, so `new AWS.DynamoDB()` and `new AWS.DynamoDB.DocumentClient()` reach the embedded endpoint.
 */
const PRELOAD_SOURCE = `'use strict';
// Written by wsgate dev: points AWS SDK v2 DynamoDB clients at AWS_ENDPOINT_URL_DYNAMODB.
const Module = require('node:module');
const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
if (endpoint) {
  const patched = new WeakSet();
  const load = Module._load;
  Module._load = function (request) {
    const exported = load.apply(this, arguments);
    if (typeof request === 'string' && (request === 'aws-sdk' || request.startsWith('aws-sdk/'))) {
      for (const [file, entry] of Object.entries(require.cache)) {
        if (!/[\\\\/]aws-sdk[\\\\/]lib[\\\\/]core\\.js$/.test(file) || !entry || !entry.loaded) continue;
        const AWS = entry.exports;
        if (!AWS || !AWS.config || patched.has(AWS)) continue;
        patched.add(AWS);
        const own = AWS.config.dynamodb || {};
        if (!own.endpoint) AWS.config.dynamodb = Object.assign({}, own, { endpoint });
      }
    }
    return exported;
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
