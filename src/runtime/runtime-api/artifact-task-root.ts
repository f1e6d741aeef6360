import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { FunctionModel, ServiceModel } from '../../config/model.js';
import { functionArtifactSource } from '../../compile/function-artifact.js';
import { ensureWsgateFolder, WSGATE_FOLDER } from '../../workspace/wsgate-folder.js';

/** A function that deploys from a zip it built itself (`package.artifact`): the zip, and where it is extracted. */
export interface PrebuiltArtifact {
  serviceDir: string;
  zip: string;
  configPath: string;
  /** The task root: the zip's content, as Lambda extracts it into /var/task. */
  dir: string;
}

/** The function's prebuilt `.zip` artifact, if it deploys from one; whether the file exists is not checked here. */
export function prebuiltArtifact(model: ServiceModel, fn: FunctionModel): PrebuiltArtifact | undefined {
  const source = functionArtifactSource(model, fn);
  if (source.kind !== 'prebuilt' || !source.path.toLowerCase().endsWith('.zip')) return undefined;
  return {
    serviceDir: model.serviceDir,
    zip: path.resolve(model.serviceDir, source.path),
    configPath: source.configPath,
    dir: path.join(model.serviceDir, WSGATE_FOLDER, 'artifacts', fn.key),
  };
}

const STAMP = '.wsgate-artifact';

/**
 * Extracts the artifact into its task root unless the same zip (path, size, modification time) already is, so a
 * rebuilt artifact (`cargo lambda build`, `make`) is what the next instance runs. File modes come from the zip, as
 * on Lambda: a `bootstrap` zipped without its executable bit fails there too.
 */
export function extractArtifact(artifact: PrebuiltArtifact): Promise<void> {
  // Instances that start together share one extraction.
  let running = extracting.get(artifact.dir);
  if (!running) {
    running = extractIfChanged(artifact).finally(() => extracting.delete(artifact.dir));
    extracting.set(artifact.dir, running);
  }
  return running;
}

const extracting = new Map<string, Promise<void>>();

async function extractIfChanged(artifact: PrebuiltArtifact): Promise<void> {
  const { size, mtimeMs } = await stat(artifact.zip);
  const stamp = JSON.stringify({ zip: artifact.zip, size, mtimeMs });
  const current = await readFile(path.join(artifact.dir, STAMP), 'utf8').catch(() => undefined);
  if (current === stamp) return;
  ensureWsgateFolder(artifact.serviceDir);
  await rm(artifact.dir, { recursive: true, force: true });
  await mkdir(artifact.dir, { recursive: true });
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    yauzl.open(artifact.zip, { lazyEntries: true, strictFileNames: false }, (err, file) => (err ? reject(err) : resolve(file))),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => void writeEntry(zip, entry, artifact.dir).then(() => zip.readEntry(), reject));
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  await writeFile(path.join(artifact.dir, STAMP), stamp);
}

async function writeEntry(zip: ZipFile, entry: Entry, root: string): Promise<void> {
  // yauzl refuses absolute names and `..` segments (validateFileName), so the target stays inside the root.
  const target = path.join(root, entry.fileName);
  if (entry.fileName.endsWith('/')) {
    await mkdir(target, { recursive: true });
    return;
  }
  await mkdir(path.dirname(target), { recursive: true });
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
    zip.openReadStream(entry, (err, readable) => (err ? reject(err) : resolve(readable))),
  );
  await pipeline(stream, createWriteStream(target));
  const mode = (entry.externalFileAttributes >>> 16) & 0o777;
  if (mode !== 0) await chmod(target, mode);
}
