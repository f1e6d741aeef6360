import { describe, expect, it } from 'vitest';
import { createLogStreamName } from '../../src/runtime/build-lambda-environment.js';
import { memoryFlags } from '../../src/runtime/function-pool.js';
import { buildExitError, buildTimeoutError } from '../../src/runtime/lambda-failures.js';
import { toLambdaError } from '../../src/runtime/runner/to-lambda-error.js';

describe('Lambda shapes', () => {
  it('derives heap flags from memorySize like the Lambda Node.js bootstrap (10 % new space, half of it per semi-space)', () => {
    expect(memoryFlags(1024)).toEqual(['--max-semi-space-size=51', '--max-old-space-size=922']);
    expect(memoryFlags(128)).toEqual(['--max-semi-space-size=6', '--max-old-space-size=116']);
  });

  it('names log streams YYYY/MM/DD/[$LATEST]<32 hex> in UTC', () => {
    expect(createLogStreamName(new Date('2026-01-02T23:59:59Z'))).toMatch(/^2026\/01\/02\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('words exits and timeouts as Lambda does', () => {
    expect(buildExitError('r1', 3, null)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'RequestId: r1 Error: Runtime exited with error: exit status 3',
    });
    expect(buildExitError('r2', null, 'SIGKILL').errorMessage).toBe('RequestId: r2 Error: Runtime exited with error: signal: killed');
    expect(buildExitError('r3', null, 'SIGABRT').errorMessage).toBe(
      'RequestId: r3 Error: Runtime exited with error: signal: aborted (core dumped)',
    );
    expect(buildExitError('r4', 0, null).errorMessage).toBe('RequestId: r4 Error: Runtime exited without providing a reason');
    expect(buildTimeoutError('r5', 6000)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'RequestId: r5 Error: Task timed out after 6.00 seconds',
    });
  });

  it('reports errors like the runtime client: Error-likes by name, anything else by typeof', () => {
    const errorLike = { name: 'Custom', message: 'm', stack: 'Custom: m\n    at x' };
    expect(toLambdaError(errorLike)).toEqual({ errorType: 'Custom', errorMessage: 'm', trace: ['Custom: m', '    at x'] });
    expect(toLambdaError(42)).toEqual({ errorType: 'number', errorMessage: '42', trace: [] });
    expect(toLambdaError({ toString: () => 'obj' })).toEqual({ errorType: 'object', errorMessage: 'obj', trace: [] });
  });
});
