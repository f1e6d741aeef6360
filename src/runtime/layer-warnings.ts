import type { ServiceModel } from '../config/model.js';
import { isRecord } from '../config/is-record.js';
import { LAYER_MAPPING_PATH } from '../config/normalize-layers.js';
import type { ErrorDetail } from '../errors.js';

/** One warning per layer of a function that has no local folder: an ARN not mapped in `custom.wsgate.layers`, or a Ref to no service layer. */
export function collectLayerWarnings(model: ServiceModel): ErrorDetail[] {
  const warnings: ErrorDetail[] = [];
  const wsgate = isRecord(model.custom?.wsgate) ? model.custom.wsgate : {};
  const mapping = isRecord(wsgate.layers) ? wsgate.layers : {};
  const serviceLayerIds = new Set([...(model.layers?.values() ?? [])].map((layer) => layer.logicalId));
  for (const fn of model.functions.values()) {
    (fn.layers ?? []).forEach((entry, i) => {
      const ref = isRecord(entry) && typeof entry.Ref === 'string' ? entry.Ref : undefined;
      if (ref !== undefined ? serviceLayerIds.has(ref) : typeof entry === 'string' && typeof mapping[entry] === 'string') return;
      const text = typeof entry === 'string' ? entry : JSON.stringify(entry);
      warnings.push({
        code: 'RUNTIME_LAYER_NOT_LOCAL',
        message: `layer ${text} of function '${fn.key}' has no local folder: its modules are missing when the handler runs`,
        path: `${fn.configPath}.layers[${i}]`,
        location: { file: model.configFile },
        hint:
          typeof entry === 'string'
            ? `Map it to a folder laid out like the layer (nodejs/node_modules, python, bin, …) in ${LAYER_MAPPING_PATH}, e.g. ${LAYER_MAPPING_PATH}: { '${entry}': ./layers/local-copy }.`
            : 'Refer to a layer of this service as { Ref: <Name>LambdaLayer }, with the layer under layers: with a path.',
      });
    });
  }
  return warnings;
}
