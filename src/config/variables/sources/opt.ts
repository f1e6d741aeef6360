import type { VariableSource } from '../source.js';

/** `${opt:name}`: a CLI option; `${opt:}` is all of them. */
export const resolveOptSource: VariableSource = ({ address }, ctx) => {
  if (!address) return { ...ctx.options };
  return ctx.options[address];
};
