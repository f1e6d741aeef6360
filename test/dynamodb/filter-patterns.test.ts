import { describe, expect, it } from 'vitest';
import { matchesAnyPattern, matchesPattern } from '../../src/dynamodb/filter-patterns.js';

// A DynamoDB stream record as Lambda filters it (the patterns below are the forms of Lambda's event filtering docs).
const record = {
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: {
    Keys: { CustomerName: { S: 'AnyCompany Industries' } },
    NewImage: {
      CustomerName: { S: 'AnyCompany Industries' },
      Quantity: { N: '50' },
      Status: { S: 'Pending' },
      Region: { S: 'us-west-2' },
    },
  },
};

describe('Lambda event filtering on DynamoDB stream records', () => {
  it('matches values, nested keys and any of a list', () => {
    expect(matchesPattern(record, { eventName: ['INSERT'] })).toBe(true);
    expect(matchesPattern(record, { eventName: ['MODIFY', 'REMOVE'] })).toBe(false);
    expect(matchesPattern(record, { dynamodb: { NewImage: { Status: { S: ['Pending'] } } } })).toBe(true);
    expect(matchesPattern(record, { eventName: ['INSERT'], dynamodb: { NewImage: { Status: { S: ['Done'] } } } })).toBe(false);
  });

  it('knows prefix, suffix, equals-ignore-case, anything-but, numeric and exists', () => {
    expect(matchesPattern(record, { dynamodb: { NewImage: { Region: { S: [{ prefix: 'us-' }] } } } })).toBe(true);
    expect(matchesPattern(record, { dynamodb: { NewImage: { Region: { S: [{ suffix: '-1' }] } } } })).toBe(false);
    expect(matchesPattern(record, { dynamodb: { NewImage: { Status: { S: [{ 'equals-ignore-case': 'PENDING' }] } } } })).toBe(true);
    expect(matchesPattern(record, { dynamodb: { NewImage: { Status: { S: [{ 'anything-but': ['Pending'] }] } } } })).toBe(false);
    expect(matchesPattern(record, { dynamodb: { NewImage: { Status: { S: [{ 'anything-but': { prefix: 'Done' } }] } } } })).toBe(true);
    expect(matchesPattern(record, { dynamodb: { NewImage: { Quantity: { N: [{ numeric: ['>', 0, '<=', 50] }] } } } })).toBe(true);
    expect(matchesPattern(record, { dynamodb: { NewImage: { Quantity: { N: [{ numeric: ['<', 10] }] } } } })).toBe(false);
    expect(matchesPattern(record, { dynamodb: { NewImage: { Discount: [{ exists: false }] } } })).toBe(true);
    expect(matchesPattern(record, { dynamodb: { NewImage: { Discount: [{ exists: true }] } } })).toBe(false);
  });

  it('delivers a record when any filter matches, and $or inside one filter', () => {
    expect(matchesAnyPattern(record, [{ eventName: ['REMOVE'] }, { eventName: ['INSERT'] }])).toBe(true);
    expect(matchesAnyPattern(record, [{ eventName: ['REMOVE'] }])).toBe(false);
    expect(matchesPattern(record, { $or: [{ eventName: ['REMOVE'] }, { dynamodb: { Keys: { CustomerName: { S: [{ prefix: 'Any' }] } } } }] })).toBe(true);
  });
});
