/** Lambda's limit on a synchronous invocation's response, in bytes. */
export const MAX_RESPONSE_BYTES = 6_291_556;

/** The most JSON bytes one UTF-16 unit can take: a `\uXXXX` escape (any other character takes at most 3). */
const MAX_BYTES_PER_UNIT = 6;
/** The longest JSON text of a number, boolean or null: `-1.7976931348623157e+308`. */
const MAX_SCALAR_BYTES = 24;

const stringBound = (text: string) => text.length * MAX_BYTES_PER_UNIT + 2;

/**
 * Whether a handler's result is within the limit whatever its JSON text, so that the runner need not encode it
 * once to measure it before the channel encodes it again (that took a tenth of the runner's time per invocation).
 * True for a string, number, boolean or null, and for a plain object of those (WebSocket handlers return
 * `{ statusCode, body }`), when the longest text JSON could give them fits. Anything else is measured.
 */
export function certainlyWithinLimit(value: unknown): boolean {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return true;
  if (typeof value === 'string') return stringBound(value) <= MAX_RESPONSE_BYTES;
  if (typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  // Another prototype could bring a toJSON of its own.
  if (prototype !== Object.prototype && prototype !== null) return false;
  let bound = 2;
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (typeof field === 'string') bound += stringBound(field);
    else if (field === null || field === undefined || typeof field === 'number' || typeof field === 'boolean') bound += MAX_SCALAR_BYTES;
    else return false;
    bound += stringBound(key) + 2;
    if (bound > MAX_RESPONSE_BYTES) return false;
  }
  return true;
}
