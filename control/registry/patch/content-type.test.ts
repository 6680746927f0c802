import { describe, it, expect } from '@jest/globals';
import { patchTypeFromContentType } from './index.js';

describe('patchTypeFromContentType', () => {
  it.each([
    ['application/merge-patch+json', 'merge'],
    ['application/json-patch+json', 'json'],
    ['application/strategic-merge-patch+json', 'strategic'],
    ['application/strategic-merge-patch+json; charset=utf-8', 'strategic'],
    ['Application/JSON-Patch+JSON;charset=UTF-8', 'json'],
    ['application/apply-patch+yaml', undefined],
    ['application/json', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s -> %s', (contentType, expected) => {
    expect(patchTypeFromContentType(contentType)).toBe(expected);
  });
});
