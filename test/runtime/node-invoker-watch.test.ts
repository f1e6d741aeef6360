import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoker } from '../../src/runtime/invoker.js';
import { createNodeInvoker } from '../../src/runtime/node-invoker.js';
import { buildModel, copyFixture } from './runtime-fixture.js';

// Watch mode: editing a handler reloads it for the next invocation; an invocation already running finishes
// with the code it started with.
describe('createNodeInvoker: watch mode', () => {
  let fixture: Awaited<ReturnType<typeof copyFixture>>;
  let invoker: Invoker;
  let reloads: Array<(changed: string[]) => void> = [];
  const nextReload = () => new Promise<string[]>((resolve) => reloads.push(resolve));

  const writeVersion = (version: string, delayMs = 0) =>
    writeFile(
      path.join(fixture.dir, 'versioned.js'),
      `let calls = 0;\nexports.handler = async (event) => {\n  await new Promise((r) => setTimeout(r, event.ms || ${delayMs}));\n  return { version: '${version}', calls: ++calls, pid: process.pid };\n};\n`,
    );

  beforeAll(async () => {
    fixture = await copyFixture();
    await writeVersion('v1');
    // Loading takes 600 ms: long enough for an edit to land while an instance is still starting.
    await writeFile(
      path.join(fixture.dir, 'slow-load.js'),
      `const end = Date.now() + 600;\nwhile (Date.now() < end);\nexports.handler = async () => ({ pid: process.pid });\n`,
    );
    const model = buildModel(fixture.dir, {
      versioned: { handler: 'versioned.handler' },
      ts: { handler: 'ts/handler.hello' },
      slowLoad: { handler: 'slow-load.handler' },
    });
    invoker = createNodeInvoker(model, {
      watch: true,
      onLog: () => {},
      onReload: (changed) => {
        const waiting = reloads;
        reloads = [];
        for (const resolve of waiting) resolve(changed);
      },
    });
  });

  afterAll(async () => {
    await invoker?.close();
    await fixture?.remove();
  });

  it('loads the edited handler on the next invocation', async () => {
    const before = await invoker.invoke('versioned', {});
    expect(before).toMatchObject({ ok: true, value: { version: 'v1', calls: 1 } });
    const reloaded = nextReload();
    await writeVersion('v2');
    expect(await reloaded).toContain('versioned.js');
    const after = await invoker.invoke('versioned', {});
    expect(after).toMatchObject({ ok: true, value: { version: 'v2', calls: 1 } });
  });

  it('lets a running invocation finish with its code, then retires that instance', async () => {
    const running = invoker.invoke('versioned', { ms: 600 });
    // The instance is warm (previous test), so the invocation is under way once the edit lands.
    const reloaded = nextReload();
    await writeVersion('v3');
    await reloaded;
    expect(await running).toMatchObject({ ok: true, value: { version: 'v2' } });
    expect(await invoker.invoke('versioned', {})).toMatchObject({ ok: true, value: { version: 'v3', calls: 1 } });
  });

  it('an edit while an instance is still starting: the invocation waiting for it runs on a fresh one, and does not fail', async () => {
    const starting = invoker.invoke('slowLoad', {});
    const reloaded = nextReload();
    await writeFile(path.join(fixture.dir, 'marker-starting.txt'), 'x');
    await reloaded;
    expect(await starting).toMatchObject({ ok: true });
  });

  it('recompiles a TypeScript handler when a file it imports changes in a sub-folder', async () => {
    expect(await invoker.invoke('ts', { name: 'a' })).toMatchObject({ ok: true, value: { text: 'hello a' } });
    const reloaded = nextReload();
    await writeFile(
      path.join(fixture.dir, 'ts', 'lib', 'greet.ts'),
      'export interface Greeting { text: string; length: number }\nexport function greet(name: string): Greeting {\n  return { text: `bonjour ${name}`, length: 0 };\n}\n',
    );
    expect(await reloaded).toContain(path.join('ts', 'lib', 'greet.ts'));
    expect(await invoker.invoke('ts', { name: 'a' })).toMatchObject({ ok: true, value: { text: 'bonjour a' } });
  });

  it('ignores changes under node_modules and .wsgate, and to log files', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(fixture.dir, 'node_modules', 'dep'), { recursive: true });
    const reloaded = nextReload();
    await writeFile(path.join(fixture.dir, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
    await writeFile(path.join(fixture.dir, '.wsgate', 'note.txt'), 'x');
    await writeFile(path.join(fixture.dir, 'dev.log'), 'wsgate dev: …\n');
    // A change that does count, written last: the batch it reloads must not name the ignored ones.
    await writeFile(path.join(fixture.dir, 'marker.txt'), 'x');
    const changed = await reloaded;
    expect(changed).toContain('marker.txt');
    expect(changed.some((p) => p.includes('node_modules') || p.includes('.wsgate') || p.endsWith('.log'))).toBe(false);
  });
});
