import type { ServiceModel } from '../../config/model.js';

/** Warnings to print when `wsgate dev` starts (e.g. an authorizer ARN with no local mapping). Placeholder. */
export function collectAuthorizerWarnings(_model: ServiceModel): string[] {
  return [];
}
