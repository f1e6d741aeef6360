import path from 'node:path';
import type { FunctionModel } from '../config/model.js';

/** Lists the layer folders of a function, in order, for any runtime (`path.delimiter`-separated): `/opt` for each. */
export const LAYER_DIRS_VARIABLE = 'WSGATE_LAYER_DIRS';

/** The `nodejs/node_modules` folders of a function's layers, as Lambda's NODE_PATH lists `/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules`. */
export function layerNodePaths(fn: FunctionModel): string[] {
  const major = /^nodejs(\d+)/.exec(fn.runtime)?.[1];
  // A later layer wins over an earlier one on Lambda (it is extracted over it), so it comes first in the search path.
  return [...(fn.localLayers ?? [])].reverse().flatMap(({ dir }) => [
    ...(major ? [path.join(dir, 'nodejs', `node${major}`, 'node_modules')] : []),
    path.join(dir, 'nodejs', 'node_modules'),
  ]);
}

/**
 * What a function's layers add to its environment, as the `/opt` paths do on Lambda: NODE_PATH (Node.js),
 * PYTHONPATH (Python: `python` and `python/lib/python3.x/site-packages`), PATH (`bin`), LD_LIBRARY_PATH (`lib`),
 * and WSGATE_LAYER_DIRS with the layer folders themselves for other runtimes.
 */
export function layerEnvironment(fn: FunctionModel, inherited: Readonly<Record<string, string>>): Record<string, string> {
  const layers = [...(fn.localLayers ?? [])].reverse();
  if (layers.length === 0) return {};
  const join = (parts: string[], existing?: string) => [...parts, ...(existing ? [existing] : [])].join(path.delimiter);
  const env: Record<string, string> = {
    [LAYER_DIRS_VARIABLE]: layers.map(({ dir }) => dir).join(path.delimiter),
    PATH: join(layers.map(({ dir }) => path.join(dir, 'bin')), inherited.PATH),
    LD_LIBRARY_PATH: join(layers.map(({ dir }) => path.join(dir, 'lib')), inherited.LD_LIBRARY_PATH),
  };
  if (fn.runtime.startsWith('nodejs')) env.NODE_PATH = join(layerNodePaths(fn));
  const python = /^python(\d+\.\d+)/.exec(fn.runtime)?.[1];
  if (python) {
    env.PYTHONPATH = join(layers.flatMap(({ dir }) => [path.join(dir, 'python'), path.join(dir, 'python', 'lib', `python${python}`, 'site-packages')]));
  }
  return env;
}
