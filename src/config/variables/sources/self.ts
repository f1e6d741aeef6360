import { parseAddress } from '../../config-path.js';
import type { VariableSource } from '../source.js';

/** `${self:a.b}`: another value of this configuration (resolved first); `${self:}` is the whole of it. */
export const resolveSelfSource: VariableSource = ({ address }, ctx) =>
  ctx.resolveConfigValue(parseAddress(address ?? ''));
