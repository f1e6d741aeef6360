import { basename } from 'node:path';
import type { FunctionModel, ServiceModel } from '../config/model.js';
import { artifactName, functionArtifactName } from './naming.js';

/** Where a function's code comes from. */
export type FunctionArtifactSource =
  /** A file the user built (`package.artifact` of the function or the service), by its config path. */
  | { kind: 'prebuilt'; path: string; configPath: string }
  /** Its own zip (`package.individually`), named `{functionKey}.zip`. */
  | { kind: 'function'; name: string }
  /** The service zip shared by every such function, `{service}.zip`. */
  | { kind: 'service' };

/**
 * Serverless v3's choice (`package-service.js` `packageFunction`, `compile/functions.js`): the function's
 * own artifact; else, packaged individually (its own flag, or the service's without a service
 * artifact), its own zip; else the service's artifact; else the service zip.
 */
export function functionArtifactSource(model: ServiceModel, fn: FunctionModel): FunctionArtifactSource {
  const own = fn.package;
  if (own?.artifact) return { kind: 'prebuilt', path: own.artifact, configPath: `${fn.configPath}.package.artifact` };
  if (own?.individually || (model.package.individually && !model.package.artifact)) {
    return { kind: 'function', name: functionArtifactName(fn.key) };
  }
  if (model.package.artifact) return { kind: 'prebuilt', path: model.package.artifact, configPath: 'package.artifact' };
  return { kind: 'service' };
}

/** The file name the artifact is uploaded under: the last segment of the function's `Code.S3Key`. */
export function artifactFileName(model: ServiceModel, source: FunctionArtifactSource): string {
  if (source.kind === 'prebuilt') return basename(source.path);
  return source.kind === 'function' ? source.name : artifactName(model.service);
}
