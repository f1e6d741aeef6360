import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { InitMessage, LambdaError } from './protocol.js';
import { toLambdaError, toRuntimeError } from './to-lambda-error.js';

export type LambdaHandler = (event: unknown, context: object, callback: (err?: unknown, result?: unknown) => void) => unknown;

/** Thrown when the module cannot be loaded or the export is missing: reported as Lambda's init error. */
export class InitFailure {
  constructor(readonly error: LambdaError) {}
}

async function importModule(init: InitMessage): Promise<unknown> {
  const file = init.file!;
  try {
    if (init.loader === 'import') return await import(pathToFileURL(file).href);
    return createRequire(file)(file);
  } catch (err) {
    // Same mapping as Lambda's runtime: only these two become Runtime.* errors; anything else is the user's own error.
    if (err instanceof SyntaxError) throw new InitFailure(toRuntimeError('UserCodeSyntaxError', String(err), err));
    if ((err as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND') {
      throw new InitFailure(toRuntimeError('ImportModuleError', String(err), err));
    }
    throw new InitFailure(toLambdaError(err));
  }
}

/** Load the user's module once and find the handler function along `exportPath` (`file.obj.fn`). */
export async function loadHandler(init: InitMessage): Promise<LambdaHandler> {
  if (init.initError) throw new InitFailure(init.initError);
  const userModule = await importModule(init);
  const handler = init.exportPath!.split('.').reduce<unknown>(
    (nested, key) => (nested ? (nested as Record<string, unknown>)[key] : undefined),
    userModule,
  );
  if (!handler) {
    throw new InitFailure(toRuntimeError('HandlerNotFound', `${init.handler} is undefined or not exported`));
  }
  if (typeof handler !== 'function') {
    throw new InitFailure(toRuntimeError('HandlerNotFound', `${init.handler} is not a function`));
  }
  return handler as LambdaHandler;
}
