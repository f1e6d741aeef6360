// wsgate's gateway on the bench service, logs off (no observers), as `wsgate dev` runs it otherwise:
// real handler processes, TLS on the same port for the handlers' SDK calls.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// BENCH_WSGATE_DIST: a copy of dist/ to run, so that a rebuild during a long run does not change what is measured.
const { createGateway, loadService } = await import(process.env.BENCH_WSGATE_DIST ?? '../../dist/index.js');

const serviceDir = fileURLToPath(new URL('../service/', import.meta.url));
const { model } = await loadService({ serviceDir, env: { ...process.env, OFFLINE_ENDPOINT: '' } });
// bench/profile.js: handler instances profile themselves too, and write their profiles when their channel closes.
const profileDir = process.env.BENCH_PROFILE_DIR;
const hook = fileURLToPath(new URL('../lib/profile-hook.cjs', import.meta.url));
const env = profileDir
  ? { NODE_OPTIONS: `--require ${hook}`, BENCH_PROFILE_DIR: profileDir, BENCH_PROFILE_DELAY_MS: process.env.BENCH_PROFILE_DELAY_MS ?? '0' }
  : undefined;
const maxInstancesPerFunction = process.env.BENCH_MAX_INSTANCES ? Number(process.env.BENCH_MAX_INSTANCES) : undefined;
const gateway = createGateway(model, { port: 0, runtime: { onLog: () => {}, env, maxInstancesPerFunction } });
const address = await gateway.listen();
process.stdout.write(`${JSON.stringify({ port: address.port, stage: gateway.stage })}\n`);
process.on('SIGTERM', () => {
  if (!profileDir) return void gateway.close().then(() => process.exit(0));
  // Profiling: every handler instance writes its profile first.
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) process.kill(Number(name), 'SIGUSR2');
    } catch {
      // The process is gone.
    }
  }
  setTimeout(() => process.exit(0), 1500);
});
