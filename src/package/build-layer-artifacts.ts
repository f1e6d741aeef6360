import { glob } from 'tinyglobby';
import type { ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import { layerArtifactName } from '../compile/resources/lambda-layer.js';
import { folderEntries, zipEntries } from './zip-files.js';

export interface LayerArtifact {
  layerKey: string;
  name: string;
  bytes: Buffer;
}

/** One zip per service layer, its `path` folder's content at the zip's root, as v3 packages a layer (`{key}.zip`). */
export async function buildLayerArtifacts(model: ServiceModel, issues: ErrorDetail[]): Promise<LayerArtifact[]> {
  const built: LayerArtifact[] = [];
  for (const layer of model.layers?.values() ?? []) {
    const files = await glob(['**', '!.git/**', '!**/.DS_Store'], { cwd: layer.dir, dot: true, onlyFiles: true, expandDirectories: false }).catch(() => []);
    if (files.length === 0) {
      issues.push({
        code: 'PACKAGE_LAYER_EMPTY',
        message: `layer "${layer.key}" has no files under its path ${layer.path}`,
        path: `${layer.configPath}.path`,
        location: { file: model.configFile },
        hint: 'Point path at the folder holding the layer content (nodejs/node_modules, python, bin, …), relative to serverless.yml.',
      });
      continue;
    }
    const { bytes } = await zipEntries(folderEntries(layer.dir, files.sort()));
    built.push({ layerKey: layer.key, name: layerArtifactName(layer.key), bytes });
  }
  return built;
}
