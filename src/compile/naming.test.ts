import { describe, expect, it } from 'vitest';
import {
  isValidLogicalId,
  lambdaVersionId,
  normalizeFunctionName,
  normalizeRouteKey,
  websocketsAuthorizerId,
  websocketsDeploymentId,
  websocketsPermissionId,
  websocketsRouteId,
} from './naming.js';

// Expected values are Serverless v3's (lib/plugins/aws/lib/naming.js and its unit tests).
describe('naming', () => {
  it('normalizes function names: Dash, Underscore, upper first letter', () => {
    expect(normalizeFunctionName('my-func_x')).toBe('MyDashfuncUnderscorex');
    expect(normalizeFunctionName('connectionHandler')).toBe('ConnectionHandler');
  });

  it('normalizes route keys without upper-casing', () => {
    expect(normalizeRouteKey('$connect')).toBe('Sconnect');
    expect(normalizeRouteKey('a.b-c')).toBe('aPeriodbDashc');
    expect(normalizeRouteKey('chat/send_now')).toBe('chatSlashsendUnderscorenow');
    expect(websocketsRouteId('hello')).toBe('helloWebsocketsRoute');
    expect(websocketsRouteId('$default')).toBe('SdefaultWebsocketsRoute');
  });

  it('keeps characters v3 keeps, so invalid ids can be detected', () => {
    expect(websocketsRouteId('a b')).toBe('a bWebsocketsRoute');
    expect(isValidLogicalId('a bWebsocketsRoute')).toBe(false);
    expect(isValidLogicalId('user@homeWebsocketsRoute')).toBe(false);
    expect(isValidLogicalId('x'.repeat(256))).toBe(false);
    expect(isValidLogicalId('SconnectWebsocketsRoute')).toBe(true);
  });

  it('names authorizers and permissions like functions', () => {
    expect(websocketsAuthorizerId('tenant-auth')).toBe('TenantDashauthWebsocketsAuthorizer');
    expect(websocketsPermissionId('auth')).toBe('AuthLambdaPermissionWebsockets');
  });

  it('strips non-alphanumerics from hashes', () => {
    expect(lambdaVersionId('fn', 'ab+/c=')).toBe('FnLambdaVersionabc');
    expect(websocketsDeploymentId('x+y/z=')).toBe('WebsocketsDeploymentxyz');
  });
});
