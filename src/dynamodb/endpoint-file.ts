import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where a running `wsgate dev` says which endpoint serves the service's tables, for `wsgate tables`. */
export function endpointFile(serviceDir: string): string {
  return path.join(serviceDir, '.wsgate', 'dynamodb-endpoint.json');
}

export async function writeEndpointFile(serviceDir: string, url: string): Promise<void> {
  await writeFile(endpointFile(serviceDir), `${JSON.stringify({ url, pid: process.pid })}\n`);
}

export async function removeEndpointFile(serviceDir: string): Promise<void> {
  await rm(endpointFile(serviceDir), { force: true });
}

/** The endpoint of a `wsgate dev` that is still running, if any. */
export async function readEndpointFile(serviceDir: string): Promise<string | undefined> {
  try {
    const { url, pid } = JSON.parse(await readFile(endpointFile(serviceDir), 'utf8')) as { url: string; pid: number };
    process.kill(pid, 0);
    return url;
  } catch {
    return undefined;
  }
}
