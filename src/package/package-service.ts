import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { ServiceModel } from '../config/model.js';
import { WsgateError } from '../errors.js';
import { compile, type CfnTemplate } from '../compile/index.js';
import {
  artifactName,
  functionArtifactName,
  CREATE_STACK_TEMPLATE_FILE,
  CUSTOM_RESOURCES_ARTIFACT_NAME,
  UPDATE_STACK_TEMPLATE_FILE,
} from '../compile/naming.js';
import { CLOUDWATCH_ROLE_HANDLER_SOURCE } from './cloudwatch-role-handler-source.js';
import { selectServiceFiles } from './select-service-files.js';
import { folderEntries, zipEntries } from './zip-files.js';

export interface PackageServiceOptions {
  /** Output folder (`--package`); default `{serviceDir}/.serverless`. Relative paths are from the service folder. */
  packageDir?: string;
  /** Clock for the S3 key prefix; injected in tests. */
  now?: Date;
}

export interface PackagedService {
  packageDir: string;
  /** Absolute paths of every file written, in writing order. */
  files: string[];
  artifact: { path: string; sha256: string; entries: number };
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
 * `cloudformation-template-update-stack.json`, `{service}.zip` and, when logging needs it,
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

  let artifact: { name: string; bytes: Buffer; sha256: string; entries: number };
  if (model.package.artifact) {
    const source = resolve(model.serviceDir, model.package.artifact);
    const bytes = await readFile(source).catch((cause: unknown) => {
      throw new WsgateError({
        code: 'PACKAGE_ARTIFACT_NOT_FOUND',
        message: `The prebuilt artifact ${source} cannot be read`,
        path: 'package.artifact',
        location: { file: model.configFile },
        hint: 'Point package.artifact at an existing .zip file, or remove it to let wsgate build the artifact.',
        cause,
      });
    });
    artifact = {
      name: basename(source),
      bytes,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      entries: -1,
    };
  } else {
    const files = await selectServiceFiles(model, excludedOutput);
    if (files.length === 0) {
      throw new WsgateError({
        code: 'NO_MATCHED_FILES',
        message: 'No file of the service folder matches package.patterns: the artifact would be empty',
        path: 'package.patterns',
        location: { file: model.configFile },
        hint: 'Check the "!" patterns: they exclude files; a later pattern without "!" adds files back.',
      });
    }
    const zipped = await zipEntries(folderEntries(model.serviceDir, files));
    artifact = { name: artifactName(model.service), ...zipped, entries: files.length };
  }

  // Individually packaged functions get the same files: the model has no per-function patterns.
  const individually = model.package.individually && !model.package.artifact;
  const functionArtifacts = individually
    ? Object.fromEntries(
        [...model.functions.keys()].map((key) => [key, { name: functionArtifactName(key), sha256: artifact.sha256 }]),
      )
    : undefined;
  const compiled = compile(model, {
    artifact: { name: artifact.name, sha256: artifact.sha256 },
    functionArtifacts,
    artifactDirectoryName: artifactDirectoryName(model, options.now ?? new Date()),
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
  if (functionArtifacts) {
    for (const { name } of Object.values(functionArtifacts)) await write(name, artifact.bytes);
  } else {
    await write(artifact.name, artifact.bytes);
  }
  if (compiled.needsCustomResources) {
    const customResources = await zipEntries([
      { name: 'api-gateway-cloud-watch-role/handler.js', data: Buffer.from(CLOUDWATCH_ROLE_HANDLER_SOURCE) },
    ]);
    await write(CUSTOM_RESOURCES_ARTIFACT_NAME, customResources.bytes);
  }
  return {
    packageDir,
    files: written,
    artifact: { path: join(packageDir, artifact.name), sha256: artifact.sha256, entries: artifact.entries },
    createTemplate: compiled.createTemplate,
    updateTemplate: compiled.updateTemplate,
  };
}
