import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ServiceModel } from '../config/model.js';
import { WsgateError, type ErrorDetail } from '../errors.js';
import { throwIssues } from '../compile/check-issues.js';
import { buildLayerArtifacts } from './build-layer-artifacts.js';
import { compile, type CfnTemplate } from '../compile/index.js';
import {
  CREATE_STACK_TEMPLATE_FILE,
  CUSTOM_RESOURCES_ARTIFACT_NAME,
  UPDATE_STACK_TEMPLATE_FILE,
} from '../compile/naming.js';
import { CLOUDWATCH_ROLE_HANDLER_SOURCE } from './cloudwatch-role-handler-source.js';
import { buildArtifacts } from './build-artifacts.js';
import { zipEntries } from './zip-files.js';

export interface PackageServiceOptions {
  /** Output folder (`--package`); default `{serviceDir}/.serverless`. Relative paths are from the service folder. */
  packageDir?: string;
  /** Clock for the S3 key prefix; injected in tests. */
  now?: Date;
}

export interface PackagedArtifact {
  path: string;
  /** Base64 SHA-256, the functions' `CodeSha256`. */
  sha256: string;
  /** Files zipped; -1 for a prebuilt artifact copied unchanged. */
  entries: number;
  /** Keys of the functions deploying from it. */
  functions: string[];
}

export interface PackagedService {
  packageDir: string;
  /** Absolute paths of every file written, in writing order. */
  files: string[];
  /** The first artifact written: the service zip, unless every function has its own. */
  artifact: PackagedArtifact;
  /** Every artifact written, each once, in the order of the first function deploying from it. */
  artifacts: PackagedArtifact[];
  createTemplate?: CfnTemplate;
  updateTemplate: CfnTemplate;
}

/** `{deploymentPrefix}/{service}/{stage}/{epoch ms}-{ISO date}`, as Serverless v3 names a deployment. */
export function artifactDirectoryName(model: ServiceModel, now: Date): string {
  return `${model.provider.deploymentPrefix}/${model.service}/${model.stage}/${now.getTime()}-${now.toISOString()}`;
}

const toJson = (template: unknown) => `${JSON.stringify(template, null, 2)}\n`;

/**
 * `wsgate package`: zips the service deterministically, compiles the templates, and writes
 * `cloudformation-template-create-stack.json` (unless an existing bucket is used, like v3),
 * `cloudformation-template-update-stack.json`, the artifacts (`{service}.zip`, `{function}.zip` for
 * functions packaged individually, prebuilt ones copied unchanged) and, when logging needs it,
 * `custom-resources.zip` into the package folder.
 */
export async function packageService(
  model: ServiceModel,
  options: PackageServiceOptions = {},
): Promise<PackagedService> {
  const packageDir = resolve(model.serviceDir, options.packageDir ?? '.serverless');
  const insideService = relative(model.serviceDir, packageDir);
  const excludedOutput =
    insideService && !insideService.startsWith('..') && !isAbsolute(insideService)
      ? insideService.split('\\').join('/')
      : undefined;

  const artifacts = await buildArtifacts(model, excludedOutput);
  const layerIssues: ErrorDetail[] = [];
  const layerArtifacts = await buildLayerArtifacts(model, layerIssues);
  throwIssues(layerIssues);
  const functionArtifacts: Record<string, { name: string; sha256: string }> = {};
  for (const { name, sha256, functions } of artifacts) {
    for (const key of functions) functionArtifacts[key] = { name, sha256 };
  }
  const compiled = compile(model, {
    // Every function has its entry above; the first artifact only stands in for the option.
    artifact: { name: artifacts[0].name, sha256: artifacts[0].sha256 },
    functionArtifacts,
    artifactDirectoryName: artifactDirectoryName(model, options.now ?? new Date()),
    layerZips: Object.fromEntries(layerArtifacts.map((layer) => [layer.layerKey, layer.bytes])),
  });

  const cannotWrite = (cause: unknown): never => {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new WsgateError({
      code: 'PACKAGE_WRITE_FAILED',
      message: `Cannot write the package into ${packageDir}: ${reason}`,
      hint: 'Give --package a folder that can be created and written (it is relative to the current folder).',
      cause,
    });
  };
  await mkdir(packageDir, { recursive: true }).catch(cannotWrite);
  const written: string[] = [];
  const write = async (name: string, data: string | Buffer) => {
    const path = join(packageDir, name);
    await writeFile(path, data).catch(cannotWrite);
    written.push(path);
  };
  if (compiled.createTemplate) await write(CREATE_STACK_TEMPLATE_FILE, toJson(compiled.createTemplate));
  await write(UPDATE_STACK_TEMPLATE_FILE, toJson(compiled.updateTemplate));
  for (const { name, bytes } of artifacts) await write(name, bytes);
  for (const { name, bytes } of layerArtifacts) await write(name, bytes);
  if (compiled.needsCustomResources) {
    const customResources = await zipEntries([
      { name: 'api-gateway-cloud-watch-role/handler.js', data: Buffer.from(CLOUDWATCH_ROLE_HANDLER_SOURCE) },
    ]);
    await write(CUSTOM_RESOURCES_ARTIFACT_NAME, customResources.bytes);
  }
  const described = artifacts.map(({ name, sha256, entries, functions }) => ({
    path: join(packageDir, name),
    sha256,
    entries,
    functions,
  }));
  return {
    packageDir,
    files: written,
    artifact: described[0],
    artifacts: described,
    createTemplate: compiled.createTemplate,
    updateTemplate: compiled.updateTemplate,
  };
}
