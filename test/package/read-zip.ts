/** Reads a zip's central directory: enough to check names, timestamps, permissions and extra fields. */
export interface ZipListing {
  name: string;
  mode: number;
  dosDate: number;
  dosTime: number;
  extraLength: number;
}

export function readZipListing(bytes: Buffer): ZipListing[] {
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('not a zip file');
  const count = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  const entries: ZipListing[] = [];
  for (let i = 0; i < count; i++) {
    if (bytes.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad central directory');
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    entries.push({
      name: bytes.toString('utf8', offset + 46, offset + 46 + nameLength),
      mode: bytes.readUInt32LE(offset + 38) >>> 16,
      dosTime: bytes.readUInt16LE(offset + 12),
      dosDate: bytes.readUInt16LE(offset + 14),
      extraLength,
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
