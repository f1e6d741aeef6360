// Benchmark: loadService on a generated 200-function service full of variables.
// Run after `npm run build`:  node bench/load-service.js [functions=200] [runs=15]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadService } from '../dist/index.js';

const functionCount = Number(process.argv[2] ?? 200);
const runs = Number(process.argv[3] ?? 15);

function generateService(count) {
  const lines = [
    'service: bench-service',
    'provider:',
    '  name: aws',
    "  stage: ${opt:stage, 'dev'}",
    "  region: ${opt:region, env:BENCH_REGION, 'us-east-1'}",
    '  memorySize: ${self:custom.sizes.${sls:stage}}',
    '  environment:',
    '    TABLE: ${self:service}-${sls:stage}-table',
    "    TOKEN: ${env:BENCH_TOKEN, 'local'}",
    '    SHARED: ${file(./shared.yml):value}',
    'custom:',
    '  sizes: { dev: 512, prod: 1024 }',
    '  prefix: ${self:service}-${sls:stage}',
    '  debug: ${strToBool(${env:BENCH_DEBUG, "false"})}',
    'functions:',
  ];
  for (let i = 0; i < count; i++) {
    const route = i === 0 ? '$connect' : i === 1 ? '$disconnect' : i === 2 ? '$default' : `route${i}`;
    lines.push(
      `  fn${i}:`,
      `    handler: src/fn${i}.handler`,
      `    name: \${self:custom.prefix}-fn${i}`,
      `    timeout: \${self:custom.timeouts.\${sls:stage}, 6}`,
      '    environment:',
      `      INDEX: "${i}"`,
      `      ROUTE: \${self:functions.fn${i}.events.0.websocket.route}`,
      '    events:',
      '      - websocket:',
      `          route: ${route}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'wsgate-bench-'));
try {
  writeFileSync(path.join(dir, 'serverless.yml'), generateService(functionCount));
  writeFileSync(path.join(dir, 'shared.yml'), 'value: shared-${sls:stage}\n');
  const times = [];
  for (let run = 0; run < runs + 2; run++) {
    const start = performance.now();
    const { model } = await loadService({ serviceDir: dir, env: {}, stage: 'prod' });
    const elapsed = performance.now() - start;
    if (model.functions.size !== functionCount) throw new Error('unexpected model');
    if (run >= 2) times.push(elapsed); // the first two runs warm up the JIT and the schema compiler
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `loadService: ${functionCount} functions with variables, ${runs} runs: median ${median.toFixed(1)} ms ` +
      `(min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
