// Preloaded into a bench server by bench/heap.mjs: on SIGUSR2, a full GC and a heap snapshot into
// BENCH_HEAP_DIR, then one line on stdout that names the file, so the bench knows when it is complete.
const { writeHeapSnapshot } = require('node:v8');
const { join } = require('node:path');

let taken = 0;
process.on('SIGUSR2', () => {
  const file = writeHeapSnapshot(join(process.env.BENCH_HEAP_DIR, `server-${process.pid}-${taken++}.heapsnapshot`));
  process.stdout.write(`${JSON.stringify({ heapSnapshot: file })}\n`);
});
