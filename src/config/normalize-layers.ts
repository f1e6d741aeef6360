import path from 'node:path';
import type { CfnValue, FunctionModel, LayerModel, LocalLayer } from './model.js';
import { isRecord, type Dict } from './is-record.js';
import { normalizeFunctionName } from '../compile/naming.js';

/** Where ARNs of layers from outside the service are mapped to local folders. */
export const LAYER_MAPPING_PATH = 'custom.wsgate.layers';

/** Serverless v3's `getLambdaLayerLogicalId`: `{NormalizedName}LambdaLayer`. */
export const lambdaLayerId = (layerName: string): string => `${normalizeFunctionName(layerName)}LambdaLayer`;

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;

/** The service's `layers:` that have a `path` (a layer Serverless packages), keyed by their name. */
export function normalizeServiceLayers(raw: unknown, serviceDir: string): Map<string, LayerModel> {
  const layers = new Map<string, LayerModel>();
  if (!isRecord(raw)) return layers;
  for (const [key, value] of Object.entries(raw)) {
    if (!isRecord(value) || typeof value.path !== 'string') continue;
    layers.set(key, Object.freeze({
      key,
      logicalId: lambdaLayerId(key),
      path: value.path,
      dir: path.resolve(serviceDir, value.path),
      name: typeof value.name === 'string' ? value.name : undefined,
      description: typeof value.description === 'string' ? value.description : undefined,
      licenseInfo: typeof value.licenseInfo === 'string' ? value.licenseInfo : undefined,
      compatibleRuntimes: strings(value.compatibleRuntimes),
      compatibleArchitectures: strings(value.compatibleArchitectures),
      retain: value.retain === true ? true : undefined,
      allowedAccounts: strings(value.allowedAccounts),
      configPath: `layers.${key}`,
    }));
  }
  return layers;
}

/** The layer a function's entry names: `{ Ref: XxxLambdaLayer }` of a service layer, or an ARN mapped in `custom.wsgate.layers`. */
function resolveLayer(entry: unknown, layers: ReadonlyMap<string, LayerModel>, mapping: Dict, serviceDir: string): LocalLayer | undefined {
  if (isRecord(entry) && typeof entry.Ref === 'string') {
    const layer = [...layers.values()].find((candidate) => candidate.logicalId === entry.Ref);
    return layer && { name: layer.key, dir: layer.dir };
  }
  if (typeof entry === 'string' && typeof mapping[entry] === 'string') {
    return { name: entry, dir: path.resolve(serviceDir, mapping[entry] as string) };
  }
  return undefined;
}

/**
 * A function with its layers: `layers` as written (the function's, else `provider.layers`, as v3 does) and
 * `localLayers`, the folders that stand for them locally, in order (Lambda extracts later layers over earlier ones).
 */
export function withLayers(
  fn: FunctionModel,
  raw: Dict,
  provider: Dict,
  layers: ReadonlyMap<string, LayerModel>,
  custom: Dict,
  serviceDir: string,
): FunctionModel {
  const written = Array.isArray(raw.layers) ? raw.layers : Array.isArray(provider.layers) ? provider.layers : [];
  const wsgate = isRecord(custom.wsgate) ? custom.wsgate : {};
  const mapping = isRecord(wsgate.layers) ? wsgate.layers : {};
  const localLayers = written.map((entry) => resolveLayer(entry, layers, mapping, serviceDir)).filter((l): l is LocalLayer => l !== undefined);
  return Object.freeze({ ...fn, layers: Object.freeze(written as CfnValue[]), localLayers: Object.freeze(localLayers) });
}
