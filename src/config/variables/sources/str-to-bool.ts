import { VariableSourceError, type VariableSource } from '../source.js';

const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

/** `${strToBool(true)}`: "true"/"1" → true, "false"/"0" → false, anything else is an error. */
export const resolveStrToBoolSource: VariableSource = ({ params }) => {
  const input = params[0];
  if (input === undefined || input === null) {
    throw new VariableSourceError('MISSING_STR_TO_BOOL_SOURCE_VALUE', 'Missing "strToBool" input', 'Write ${strToBool(true)} or ${strToBool(${env:FLAG})}.');
  }
  const text = String(input).trim().toLowerCase();
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  throw new VariableSourceError(
    'INVALID_STR_TO_BOOL_SOURCE_VALUE',
    `Invalid "strToBool" input: Expected either "true", "false", "0", or "1". Received: ${String(input)}`,
    'Give true, false, 1 or 0 (or a variable that resolves to one).',
  );
};
