import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FunctionModel, ServiceModel } from '../config/model.js';
import type { ErrorDetail } from '../errors.js';
import { bundledEntries } from '../build/bundle-artifact.js';
import { detectBundler } from '../build/bundler-plugin.js';
import { throwIssues } from '../compile/check-issues.js';
import { artifactFileName, functionArtifactSource, type FunctionArtifactSource } from '../compile/function-artifact.js';
import { artifactName } from '../compile/naming.js';
import { artifactPatterns, listServiceFiles, pickFiles, type ServiceFiles } from './select-service-files.js';
import { folderEntries, zipEntries } from './zip-files.js';

export interface BuiltArtifact {
  /** File name in the package folder and last segment of the S3 key. */
  name: string;
  bytes: Buffer;
  /** Base64 SHA-256 of the bytes, as `CodeSha256`. */
  sha256: string;
  /** Files zipped; -1 for a prebuilt artifact (copied unchanged). */
  entries: number;
  /** Keys of the functions that deploy from it. */
  functions: string[];
}

interface PlannedArtifact {
  source: FunctionArtifactSource;
  /** The function of a per-function zip; the first user of a prebuilt artifact. */
  fn?: FunctionModel;
  functions: string[];
}

/**
 * Builds every artifact the functions deploy from, each once: the service zip, one zip per function
 * packaged individually (the service's patterns, then the function's), and the prebuilt ones read
 * unchanged. Every problem is reported at once, with the config path to fix.
 */
export async function buildArtifacts(model: ServiceModel, outputDir: string | undefined): Promise<BuiltArtifact[]> {
  const issues: ErrorDetail[] = [];
  const planned = planArtifacts(model, issues);
  const bundler = detectBundler(model);
  let files: ServiceFiles | undefined;
  const built: BuiltArtifact[] = [];
  for (const [name, plan] of planned) {
    const { source, fn } = plan;
    if (source.kind === 'prebuilt') {
      const bytes = await readPrebuilt(model, source, fn, issues);
      if (bytes) built.push({ name, bytes, sha256: sha256(bytes), entries: -1, functions: plan.functions });
      continue;
    }
    files ??= await listServiceFiles(model);
    const own = source.kind === 'function' ? fn : undefined;
    if (bundler) {
      const users = plan.functions.map((key) => model.functions.get(key)!);
      const entries = await bundledEntries(model, bundler, users, files, own, issues);
      if (entries.length > 0) built.push({ name, ...(await zipEntries(entries)), entries: entries.length, functions: plan.functions });
      continue;
    }
    const selected = pickFiles(files, artifactPatterns(model, own, outputDir));
    if (selected.length === 0) {
      issues.push(noMatchedFiles(model, own));
      continue;
    }
    const zipped = await zipEntries(folderEntries(model.serviceDir, selected));
    built.push({ name, ...zipped, entries: selected.length, functions: plan.functions });
  }
  throwIssues(issues);
  return built;
}

/** Artifacts by file name, in function order; the service zip when there is no function at all. */
function planArtifacts(model: ServiceModel, issues: ErrorDetail[]): Map<string, PlannedArtifact> {
  const planned = new Map<string, PlannedArtifact>();
  for (const fn of model.functions.values()) {
    const source = functionArtifactSource(model, fn);
    const name = artifactFileName(model, source);
    const existing = planned.get(name);
    if (!existing) {
      planned.set(name, { source, fn, functions: [fn.key] });
    } else if (sameSource(model, existing.source, source)) {
      existing.functions.push(fn.key);
    } else {
      issues.push({
        code: 'PACKAGE_ARTIFACT_NAME_COLLISION',
        message: `${describeSource(source, fn)} and ${describeSource(existing.source, existing.fn!)} would both be uploaded as "${name}": one would replace the other`,
        path: source.kind === 'prebuilt' ? source.configPath : `${fn.configPath}.package`,
        location: { file: model.configFile },
        hint: 'Give the prebuilt artifacts different file names (the S3 key keeps only the file name).',
      });
    }
  }
  if (model.functions.size === 0) planned.set(artifactName(model.service), { source: { kind: 'service' }, functions: [] });
  return planned;
}

function sameSource(model: ServiceModel, a: FunctionArtifactSource, b: FunctionArtifactSource): boolean {
  if (a.kind === 'prebuilt' && b.kind === 'prebuilt') {
    return resolve(model.serviceDir, a.path) === resolve(model.serviceDir, b.path);
  }
  return a.kind === 'service' && b.kind === 'service';
}

function describeSource(source: FunctionArtifactSource, fn: FunctionModel): string {
  if (source.kind === 'prebuilt') return `${source.configPath} (${source.path})`;
  return source.kind === 'function' ? `the zip of function "${fn.key}"` : 'the service zip';
}

/** Serverless v3 reads prebuilt artifacts from S3 too; wsgate only from files. */
const REMOTE_ARTIFACT = /^(s3|https?):\/\//i;

async function readPrebuilt(
  model: ServiceModel,
  source: Extract<FunctionArtifactSource, { kind: 'prebuilt' }>,
  fn: FunctionModel | undefined,
  issues: ErrorDetail[],
): Promise<Buffer | undefined> {
  const at = { path: source.configPath, location: { file: model.configFile } };
  if (REMOTE_ARTIFACT.test(source.path)) {
    issues.push({
      code: 'PACKAGE_ARTIFACT_NOT_LOCAL',
      message: `Package artifact "${source.path}" is a URL: wsgate package reads artifacts from the service folder only`,
      ...at,
      hint: 'Download the artifact and point package.artifact at the .zip file (relative to the service folder).',
    });
    return undefined;
  }
  const file = resolve(model.serviceDir, source.path);
  try {
    return await readFile(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const forFunction = source.configPath.startsWith('functions.') && fn ? ` (for "${fn.key}")` : '';
    issues.push({
      // Serverless v3's code and wording for an artifact it cannot read.
      code: 'INVALID_PACKAGE_ARTIFACT_PATH',
      message: `Cannot access package artifact at "${source.path}"${forFunction}: ${reason} (${file})`,
      ...at,
      hint: `Build the artifact first, or point ${source.configPath} at an existing .zip file (relative to the service folder); remove it to let wsgate zip the code.`,
    });
    return undefined;
  }
}

function noMatchedFiles(model: ServiceModel, fn: FunctionModel | undefined): ErrorDetail {
  const ownPatterns = fn?.package && (fn.package.patterns.length > 0 || fn.package.exclude.length > 0);
  return {
    code: 'NO_MATCHED_FILES',
    message: `No file matches include / exclude patterns: ${fn ? `the artifact of function "${fn.key}"` : 'the service artifact'} would be empty`,
    path: ownPatterns ? `${fn.configPath}.package.patterns` : 'package.patterns',
    location: { file: model.configFile },
    hint: 'Check the "!" patterns: they exclude files; a later pattern without "!" adds files back.',
  };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}
