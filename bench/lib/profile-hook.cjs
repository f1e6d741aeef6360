// Preloaded into handler instances by bench/profile.js (NODE_OPTIONS does not allow --cpu-prof): profiles the
// process with the inspector and writes a .cpuprofile on SIGUSR2 (the gateway kills its instances on exit).
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const session = new Session();
session.connect();
session.post('Profiler.enable');
// Started late, so that the profile shows warm invocations rather than module loading.
setTimeout(() => session.post('Profiler.start'), Number(process.env.BENCH_PROFILE_DELAY_MS ?? 0)).unref();
process.on('SIGUSR2', () => {
  session.post('Profiler.stop', (err, result) => {
    if (!err && result) writeFileSync(join(process.env.BENCH_PROFILE_DIR, `handler-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
