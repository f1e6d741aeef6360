// Preloaded into handler instances by bench/profile.js (NODE_OPTIONS does not allow --cpu-prof): profiles the
// process with the inspector and writes a .cpuprofile when it exits.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  session.post('Profiler.stop', (err, result) => {
    if (!err) writeFileSync(join(process.env.BENCH_PROFILE_DIR, `handler-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
