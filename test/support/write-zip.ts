import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import yazl from 'yazl';

/** Writes a zip of the given files (name → text and Unix mode), as a build tool would leave it. */
export async function writeZip(file: string, entries: Record<string, { text: string; mode?: number }>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, { text, mode = 0o644 }] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), name, { mode });
  zip.end();
  const out = createWriteStream(file);
  zip.outputStream.pipe(out);
  await once(out, 'close');
}
