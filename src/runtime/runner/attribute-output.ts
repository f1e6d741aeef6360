import { AsyncLocalStorage } from 'node:async_hooks';
import { LOG_TAG_END, LOG_TAG_ENDED, LOG_TAG_RUNNING, LOG_TAG_START } from './protocol.js';

/** Runs an invocation's code so that what it writes, now or from a timer later, is tagged with its request id. */
export type RunAttributed = <T>(awsRequestId: string, run: () => T) => T;

/**
 * Tags each line written to stdout and stderr from an invocation's async context (console.* and
 * `process.stdout.write` alike) with the invocation's request id, and whether that invocation had already
 * answered (`isRunning`). Only the inspector asks for it: the async context costs every promise a little.
 */
export function attributeOutput(isRunning: (awsRequestId: string) => boolean): RunAttributed {
  const context = new AsyncLocalStorage<string>();
  for (const stream of [process.stdout, process.stderr]) tagLines(stream, () => context.getStore(), isRunning);
  return (awsRequestId, run) => context.run(awsRequestId, run);
}

function tagLines(stream: NodeJS.WriteStream, idOf: () => string | undefined, isRunning: (awsRequestId: string) => boolean): void {
  const write = stream.write;
  // Whether the next byte starts a line: a tag goes only there.
  let atLineStart = true;
  stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    const id = idOf();
    if (id === undefined || typeof chunk !== 'string' || chunk === '') {
      const length = (chunk as { length?: number } | null)?.length ?? 0;
      if (length > 0) atLineStart = typeof chunk === 'string' ? chunk.endsWith('\n') : (chunk as Uint8Array)[length - 1] === 10;
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    }
    const tag = `${LOG_TAG_START}${isRunning(id) ? LOG_TAG_RUNNING : LOG_TAG_ENDED}${id}${LOG_TAG_END}`;
    const endsLine = chunk.endsWith('\n');
    const body = endsLine ? chunk.slice(0, -1) : chunk;
    const tagged = `${atLineStart ? tag : ''}${body.replaceAll('\n', `\n${tag}`)}${endsLine ? '\n' : ''}`;
    atLineStart = endsLine;
    return (write as (...args: unknown[]) => boolean).call(this, tagged, ...rest);
  } as typeof stream.write;
}
