import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureWsgateFolder } from '../../src/workspace/wsgate-folder.js';

const made: string[] = [];
afterEach(() => made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('.wsgate folder', () => {
  it('gets a .gitignore when wsgate creates it, so git reports none of its files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wsgate-folder-'));
    made.push(dir);
    execFileSync('git', ['init', '-q', dir]);
    const folder = ensureWsgateFolder(dir);
    mkdirSync(path.join(folder, 'tls'));
    writeFileSync(path.join(folder, 'tls', 'key.pem'), 'secret');
    writeFileSync(path.join(dir, 'handler.js'), '');
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, encoding: 'utf8' });
    expect(status.trim().split('\n')).toEqual(['?? handler.js']);
  });

  it("leaves an existing folder's contents alone", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wsgate-folder-'));
    made.push(dir);
    mkdirSync(path.join(dir, '.wsgate'));
    ensureWsgateFolder(dir);
    expect(existsSync(path.join(dir, '.wsgate', '.gitignore'))).toBe(false);
    writeFileSync(path.join(dir, '.wsgate', '.gitignore'), 'tls/\n');
    ensureWsgateFolder(dir);
    expect(readFileSync(path.join(dir, '.wsgate', '.gitignore'), 'utf8')).toBe('tls/\n');
  });
});
