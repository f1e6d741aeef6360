import type { WsgateError } from '../../errors.js';
import { formatConfigPath, type ConfigPath } from '../config-path.js';
import { isWholeVariable, type ParamExpr, type Template, type VariableExpr } from './parse.js';
import { DeployTimeValue, SourceNeedsAwsError, VariableSourceError, type VariableSource, type VariableSourceContext } from './source.js';

/** What evaluating a parsed value needs: the sources by name, what they may read, and how to report a failure. */
export interface TemplateEvaluation {
  readonly sources: Readonly<Record<string, VariableSource>>;
  readonly ctx: VariableSourceContext;
  fail(path: ConfigPath, code: string, message: string, hint?: string): WsgateError;
}

/**
 * The value of a parsed string: a whole variable's value as it is, or text with each variable's value in it
 * (an `Fn::Join` of the pieces when one of them is only known at deploy time).
 */
export async function evaluateTemplate(template: Template, path: ConfigPath, ev: TemplateEvaluation): Promise<unknown> {
  if (isWholeVariable(template)) return evaluateVariable(template.parts[0], path, ev);
  let out = '';
  // Deploy-time values (package mode) turn the text into an Fn::Join of its pieces.
  const pieces: unknown[] = [];
  for (const part of template.parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = await evaluateVariable(part, path, ev);
    if (value instanceof DeployTimeValue) {
      if (out !== '') pieces.push(out);
      pieces.push(structuredClone(value.intrinsic));
      out = '';
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw ev.fail(
        path,
        'NON_STRING_VARIABLE_RESULT',
        `Cannot resolve variable at "${formatConfigPath(path)}": String value consist of variable which resolve with non-string value`,
        `${part.text} resolves to ${value === null ? 'null' : Array.isArray(value) ? 'a list' : 'an object'}; inside longer text a variable must resolve to text, a number or a boolean.`,
      );
    }
    out += String(value);
  }
  if (pieces.length === 0) return out;
  if (out !== '') pieces.push(out);
  return new DeployTimeValue({ 'Fn::Join': ['', pieces] });
}

/** `${a:x, b:y, 'literal'}`: the first source with a value; a source that needs AWS fails only when none has one. */
async function evaluateVariable(variable: VariableExpr, path: ConfigPath, ev: TemplateEvaluation): Promise<unknown> {
  let lastType = '';
  let needsAws: SourceNeedsAwsError | undefined;
  for (const source of variable.sources) {
    if (source.kind === 'literal') return source.value;
    lastType = source.type;
    const resolveSource = ev.sources[source.type];
    if (!resolveSource) {
      throw ev.fail(
        path,
        'VARIABLES_UNKNOWN_SOURCE',
        `Cannot resolve variable at "${formatConfigPath(path)}": unknown source "${source.type}" in ${variable.text}`,
        'The sources of Serverless v3: self, opt, env, sls, param, file, strToBool, aws, cf, ssm, s3 (see docs/configuration.md).',
      );
    }
    const params: unknown[] = [];
    for (const p of source.params ?? []) params.push(await evaluateParam(p, path, ev));
    const address = source.address === undefined ? undefined : await evaluateParam(source.address, path, ev);
    if (address !== undefined && typeof address !== 'string' && typeof address !== 'number') {
      throw ev.fail(path, 'INVALID_VARIABLE_ADDRESS', `Non-string address argument in ${variable.text}`, 'A nested variable in an address must resolve to text.');
    }
    let value: unknown;
    try {
      value = await resolveSource({ params, address: address === undefined ? undefined : String(address) }, ev.ctx);
    } catch (err) {
      if (err instanceof SourceNeedsAwsError) {
        needsAws = err;
        continue;
      }
      if (err instanceof VariableSourceError) {
        throw ev.fail(path, err.code, `Cannot resolve variable at "${formatConfigPath(path)}": ${err.message}`, err.hint);
      }
      throw err;
    }
    if (value !== null && value !== undefined) return value;
    needsAws = undefined;
  }
  if (needsAws) {
    throw ev.fail(path, needsAws.code, `Cannot resolve variable at "${formatConfigPath(path)}": ${needsAws.message}`, needsAws.hint);
  }
  throw ev.fail(
    path,
    'MISSING_VARIABLE_RESULT',
    `Cannot resolve variable at "${formatConfigPath(path)}": Value not found at "${lastType}" source`,
    `${variable.text} has no value; set it or add a fallback: \${${lastType}:…, 'default'}.`,
  );
}

async function evaluateParam(param: ParamExpr, path: ConfigPath, ev: TemplateEvaluation): Promise<unknown> {
  if ('literal' in param) return param.literal;
  return evaluateTemplate(param.template, path, ev);
}
