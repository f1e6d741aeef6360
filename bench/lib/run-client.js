// Runs one command of the load generator in its own process.
import { fork } from 'node:child_process';

const CLIENT = new URL('./load-client.js', import.meta.url).pathname;

/**
 * `onProgress` receives the client's intermediate messages (the idle scenario's `opened`) and may return a
 * promise; the client is told to go on once it settles.
 */
export function runClient(command, onProgress) {
  return new Promise((resolve, reject) => {
    const child = fork(CLIENT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.on('message', async (message) => {
      if (message.type === 'result') {
        settled = true;
        resolve(message.result);
      } else if (message.type === 'error') {
        settled = true;
        reject(new Error(message.message));
      } else {
        await onProgress?.(message);
        child.send({ type: 'continue' });
      }
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load client exited with ${code}`));
    });
    child.send(command);
  });
}
