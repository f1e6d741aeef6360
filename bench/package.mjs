// Benchmark: `wsgate package` against `serverless package` (Serverless Framework v3) on the same
// generated service of 100 websocket functions, in the same run.
//
//   npm run build && node bench/package.mjs [--functions 100] [--runs 5]
//
// Serverless v3 is installed on first use into bench/.scratch/serverless-v3 (never into the
// project). Packaging is offline: fake credentials, no AWS call.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = join(root, 'bench/.scratch');
const argValue = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const functionCount = argValue('functions', 100);
const runs = argValue('runs', 5);

const wsgateBin = join(root, 'bin/wsgate.js');
if (!existsSync(join(root, 'dist/cli/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

function ensureServerless() {
  const dir = join(scratch, 'serverless-v3');
  const bin = join(dir, 'node_modules/.bin/serverless');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "name": "serverless-v3-bench", "private": true }\n');
    console.log('installing serverless@3 into bench/.scratch/serverless-v3 …');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', 'serverless@3'], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
  return bin;
}

function writeService() {
  const dir = join(scratch, `service-${functionCount}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const functions = Array.from({ length: functionCount }, (_, i) => {
    const route = i === 0 ? '$connect' : i === 1 ? '$disconnect' : i === 2 ? '$default' : `action-${i}`;
    return `  fn${i}:\n    handler: handler.h${i}\n    events:\n      - websocket:\n          route: ${route}\n`;
  });
  writeFileSync(
    join(dir, 'serverless.yml'),
    `service: bench-ws\n\nframeworkVersion: '3'\n\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  region: us-east-1\n` +
      `  logs:\n    websocket: true\n\nfunctions:\n${functions.join('')}`,
  );
  writeFileSync(
    join(dir, 'handler.js'),
    Array.from({ length: functionCount }, (_, i) => `module.exports.h${i} = async () => ({ statusCode: 200 });\n`).join(
      '',
    ),
  );
  return dir;
}

const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'y',
  AWS_REGION: 'us-east-1',
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
};

function time(label, command, args, cwd) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(command, args, { cwd, env, stdio: 'ignore' });
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(
    `${label.padEnd(20)} median ${median.toFixed(0).padStart(6)} ms  (runs: ${samples.map((s) => s.toFixed(0)).join(', ')})`,
  );
  return median;
}

mkdirSync(scratch, { recursive: true });
const serverlessBin = ensureServerless();
const service = writeService();
console.log(`service: ${functionCount} functions with websocket events, ${runs} runs each, node ${process.version}`);
const wsgate = time(
  'wsgate package',
  process.execPath,
  [wsgateBin, 'package', '--package', join(scratch, 'out-wsgate')],
  service,
);
const serverless = time(
  'serverless package',
  serverlessBin,
  ['package', '--package', join(scratch, 'out-serverless')],
  service,
);
console.log(`ratio: serverless / wsgate = ${(serverless / wsgate).toFixed(1)}x`);
