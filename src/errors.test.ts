import { describe, expect, it } from 'vitest';
import { WsgateError } from './errors.js';

describe('WsgateError', () => {
  it('carries a single issue when none are given', () => {
    const err = new WsgateError({ code: 'CONFIG_X', message: 'bad', path: 'provider.name' });
    expect(err.issues).toEqual([{ code: 'CONFIG_X', message: 'bad', path: 'provider.name' }]);
    expect(err.userError).toBe(true);
  });
});
