import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArtifact, type PrebuiltArtifact } from '../../src/runtime/runtime-api/artifact-task-root.js';
import { killIfRunning, runCli, type CliProcess } from '../support/child-cli.js';
import { openClient } from '../support/ws-client.js';
import { writeZip } from '../support/write-zip.js';

// Go and Rust services on provided.al2/al2023 deploy a zip they built (`cargo lambda build --output-format zip`,
// a Makefile), named by package.artifact, with the `bootstrap` inside; nothing runnable is in the service folder.
const bootstrap = `#!/bin/sh
set -eu
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
HEADERS="$(mktemp)"
while true; do
  curl -sS -D "$HEADERS" -o /dev/null "$API/invocation/next"
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  BODY="$(cat VERSION) in $LAMBDA_TASK_ROOT, cwd $(pwd)"
  curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" -d "{\\"statusCode\\":200,\\"body\\":\\"$BODY\\"}"
done
`;

const serverlessYml = `service: artifact-service
frameworkVersion: '3'
provider:
  name: aws
  runtime: provided.al2023
functions:
  echo:
    handler: bootstrap
    package:
      artifact: target/lambda/echo/bootstrap.zip
    events:
      - websocket:
          route: echo
          routeResponseSelectionExpression: $default
  pyEcho:
    runtime: python3.12
    handler: app/handler.echo
    package:
      artifact: build/python.zip
    events:
      - websocket:
          route: pyEcho
          routeResponseSelectionExpression: $default
  notBuilt:
    handler: bootstrap
    package:
      artifact: target/lambda/not-built/bootstrap.zip
    events:
      - websocket: notBuilt
`;

describe('wsgate dev: a provided.al2023 function that deploys from its own zip (package.artifact)', () => {
  let dir: string;
  let cli: CliProcess;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-artifact-'));
    await writeFile(path.join(dir, 'serverless.yml'), serverlessYml);
    await mkdir(path.join(dir, 'target/lambda/echo'), { recursive: true });
    await writeZip(path.join(dir, 'target/lambda/echo/bootstrap.zip'), { bootstrap: { text: bootstrap, mode: 0o755 }, VERSION: { text: 'v1' } });
    await mkdir(path.join(dir, 'build'));
    const handlerPy = 'import os\n\ndef echo(event, context):\n    return {"statusCode": 200, "body": "python in " + os.environ["LAMBDA_TASK_ROOT"] + ", cwd " + os.getcwd()}\n';
    await writeZip(path.join(dir, 'build/python.zip'), { 'app/__init__.py': { text: '' }, 'app/handler.py': { text: handlerPy } });
    cli = runCli(['dev', '--config', path.join(dir, 'serverless.yml'), '--port', '0', '--no-watch']);
  }, 30_000);

  afterAll(async () => {
    await killIfRunning(cli);
    await rm(dir, { recursive: true, force: true });
  });

  it("runs the bootstrap (and a Python handler) from the zip's content, which is the task root and working folder, as Lambda's /var/task", async () => {
    const line = await cli.waitForLine(/WebSocket:/);
    const client = await openClient(`ws://127.0.0.1:${/ws:\/\/127\.0\.0\.1:(\d+)\/dev/.exec(line)![1]}/dev`);
    client.ws.send(JSON.stringify({ action: 'echo' }));
    const taskRoot = path.join(dir, '.wsgate/artifacts/echo');
    expect(await client.nextMessage()).toBe(`v1 in ${taskRoot}, cwd ${taskRoot}`);
    // A Python function's module is imported from its zip too (there is no app/ in the service folder).
    client.ws.send(JSON.stringify({ action: 'pyEcho' }));
    const pythonRoot = path.join(dir, '.wsgate/artifacts/pyEcho');
    expect(await client.nextMessage()).toBe(`python in ${pythonRoot}, cwd ${pythonRoot}`);
    client.ws.close();
  });

  it('says at start-up which function deploys from an artifact that is not built yet, with its config path', async () => {
    const warning = await cli.waitForLine(/RUNTIME_ARTIFACT_MISSING/);
    expect(warning).toContain('functions.notBuilt.package.artifact');
    expect(warning).toContain(`function 'notBuilt' deploys from ${path.join(dir, 'target/lambda/not-built/bootstrap.zip')}, which does not exist`);
    expect(cli.stderr.some((l) => /Build the artifact first/.test(l))).toBe(true);
  });
});

describe('extractArtifact', () => {
  let dir: string;
  let artifact: PrebuiltArtifact;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wsgate-extract-'));
    artifact = { serviceDir: dir, zip: path.join(dir, 'fn.zip'), configPath: 'functions.fn.package.artifact', dir: path.join(dir, '.wsgate/artifacts/fn') };
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the modes of the zip, extracts nested folders, and extracts again only when the zip changed', async () => {
    await writeZip(artifact.zip, { bootstrap: { text: '#!/bin/sh\n', mode: 0o755 }, 'lib/data.txt': { text: 'one' } });
    await extractArtifact(artifact);
    expect((await stat(path.join(artifact.dir, 'bootstrap'))).mode & 0o777).toBe(0o755);
    expect((await stat(path.join(artifact.dir, 'lib/data.txt'))).mode & 0o777).toBe(0o644);
    expect(await readFile(path.join(artifact.dir, 'lib/data.txt'), 'utf8')).toBe('one');

    // Unchanged zip: a file added to the task root survives, so nothing was extracted again.
    await writeFile(path.join(artifact.dir, 'left-by-a-run'), '');
    await extractArtifact(artifact);
    await expect(stat(path.join(artifact.dir, 'left-by-a-run'))).resolves.toBeTruthy();

    // A rebuilt zip replaces the whole task root: what the old build had is gone.
    await writeZip(artifact.zip, { bootstrap: { text: '#!/bin/sh\n', mode: 0o755 }, 'lib/data.txt': { text: 'two' } });
    const later = new Date(Date.now() + 5000);
    await utimes(artifact.zip, later, later);
    await extractArtifact(artifact);
    expect(await readFile(path.join(artifact.dir, 'lib/data.txt'), 'utf8')).toBe('two');
    await expect(stat(path.join(artifact.dir, 'left-by-a-run'))).rejects.toThrow();
  });

  it('refuses a file that is not a zip, with the reason', async () => {
    await writeFile(artifact.zip, 'not a zip');
    await expect(extractArtifact(artifact)).rejects.toThrow(/end of central directory/i);
  });
});
