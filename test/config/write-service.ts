import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const created: string[] = [];

/** Writes a throw-away service folder (files by relative path) and removes it after the test file. */
export function writeService(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsgate-config-'));
  created.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A minimal valid service with `extra` appended (YAML text, top level). */
export function serviceYaml(extra = ''): string {
  return `service: svc
provider:
  name: aws
functions:
  hello:
    handler: handler.hello
    events:
      - websocket: $default
${extra}`;
}
