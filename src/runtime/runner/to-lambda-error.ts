import { types } from 'node:util';
import type { LambdaError } from './protocol.js';

function looksLikeError(value: unknown): value is Error {
  const v = value as Partial<Error> | null;
  return (
    !!v &&
    typeof v.name === 'string' &&
    typeof v.message === 'string' &&
    typeof v.stack === 'string' &&
    v.name !== '' &&
    v.message !== '' &&
    v.stack !== ''
  );
}

/** The error object as the Lambda Node.js runtime reports it (aws-lambda-nodejs-runtime-interface-client `toRapidResponse`). */
export function toLambdaError(error: unknown): LambdaError {
  try {
    if (types.isNativeError(error) || looksLikeError(error)) {
      const err = error as Error;
      return {
        errorType: err.name,
        errorMessage: err.message,
        trace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
      };
    }
    return { errorType: typeof error, errorMessage: String((error as { toString(): string }).toString()), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

/** A runtime error (`Runtime.ImportModuleError`, …) named and shaped as Lambda's runtime names it. */
export function toRuntimeError(kind: string, message: string, cause?: unknown): LambdaError {
  const errorType = `Runtime.${kind}`;
  const causeStack = cause instanceof Error && typeof cause.stack === 'string' ? cause.stack.split('\n').slice(1) : [];
  return { errorType, errorMessage: message, trace: [`${errorType}: ${message}`.split('\n'), causeStack].flat() };
}
