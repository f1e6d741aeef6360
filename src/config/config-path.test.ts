import { describe, expect, it } from 'vitest';
import { formatConfigPath, parseConfigPath, type ConfigPath } from './config-path.js';

describe('parseConfigPath', () => {
  const paths: ConfigPath[] = [
    [],
    ['provider'],
    ['functions', 'connect', 'events', 0, 'websocket', 'authorizer'],
    ['resources', 'Resources', 'My.Odd "id"', 'Properties'],
    ['custom', 'wsgate', 'authorizers', 'arn:aws:lambda:us-east-1:1:function:x'],
    ['package', 'patterns', 12],
  ];
  it.each(paths.map((path) => [formatConfigPath(path), path]))('reads %s back into its segments', (formatted, path) => {
    expect(parseConfigPath(formatted)).toEqual(path);
  });

  it('refuses text that is not a formatted path', () => {
    expect(parseConfigPath('--port')).toEqual(['--port']);
    expect(parseConfigPath('a[b')).toBeUndefined();
    expect(parseConfigPath('a..b')).toBeUndefined();
  });
});
