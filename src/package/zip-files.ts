import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';

/** DOS timestamps are local time: constructing in local time gives 1980-01-01 00:00 in every zone. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  /** Read from this file … */
  file?: string;
  /** … or use these bytes. */
  data?: Buffer;
  executable?: boolean;
}

/**
 * A deterministic zip: entries sorted by name, fixed timestamps, fixed permissions (0755 for
 * executables, 0644 otherwise), no extra timestamp fields. The same files give the same bytes,
 * so the same artifact hash and the same Lambda version id.
 */
export async function zipEntries(entries: readonly ZipEntry[]): Promise<{ bytes: Buffer; sha256: string }> {
  const zip = new yazl.ZipFile();
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of sorted) {
    const mode = entry.executable ? 0o100755 : 0o100644;
    const options = { mtime: FIXED_MTIME, mode, forceDosTimestamp: true, compress: true };
    if (entry.data) zip.addBuffer(entry.data, entry.name, options);
    else zip.addFile(entry.file!, entry.name, options);
  }
  zip.end();
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', resolve);
    zip.outputStream.on('error', reject);
  });
  const bytes = Buffer.concat(chunks);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('base64') };
}

/** Zip entries for files of a folder, keeping only whether each is executable. */
export function folderEntries(dir: string, files: readonly string[]): ZipEntry[] {
  return files.map((name) => ({
    name,
    file: join(dir, name),
    executable: (statSync(join(dir, name)).mode & 0o100) !== 0,
  }));
}
