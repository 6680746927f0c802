import { describe, expect, it } from '@jest/globals';
import { threeWayMergePatch } from './three-way-patch.js';

describe('threeWayMergePatch', () => {
  it('removes fields the user dropped, sets changed ones, and leaves fields others own', () => {
    const last = { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 2 } };
    const desired = { metadata: { labels: { a: '1' } }, spec: { replicas: 3 } };
    const live = { metadata: { labels: { a: '1', b: '2', owner: 'controller' } }, spec: { replicas: 2, paused: false }, status: { ready: 1 } };
    expect(threeWayMergePatch(last, desired, live)).toEqual({ metadata: { labels: { b: null } }, spec: { replicas: 3 } });
  });

  it('is empty when live already matches the manifest', () => {
    const desired = { spec: { replicas: 3, selector: { app: 'x' } } };
    expect(threeWayMergePatch(desired, desired, { ...desired, status: {} })).toEqual({});
  });

  it('does not null a dropped field that is already gone', () => {
    expect(threeWayMergePatch({ data: { a: '1' } }, {}, {})).toEqual({});
  });
});
