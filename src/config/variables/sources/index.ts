import type { VariableSource } from '../source.js';
import { resolveSelfSource } from './self.js';
import { resolveOptSource } from './opt.js';
import { resolveEnvSource } from './env.js';
import { resolveSlsSource } from './sls.js';
import { createFileSource } from './file.js';
import { resolveStrToBoolSource } from './str-to-bool.js';
import { resolveParamSource } from './param.js';
import { resolveAwsSource } from './aws.js';
import { resolveCfSource } from './cf.js';
import { resolveSsmSource } from './ssm.js';
import { resolveS3Source } from './s3.js';

/** The variable sources wsgate knows, by the name used in `${name:…}`; one set per load (file cache). */
export function createVariableSources(): Record<string, VariableSource> {
  return {
    self: resolveSelfSource,
    opt: resolveOptSource,
    env: resolveEnvSource,
    sls: resolveSlsSource,
    file: createFileSource(),
    strToBool: resolveStrToBoolSource,
    param: resolveParamSource,
    cf: resolveCfSource,
    ssm: resolveSsmSource,
    s3: resolveS3Source,
    aws: resolveAwsSource,
  };
}
