import { describe, it, expect } from '@jest/globals';
import { applyPatch, PatchError } from './index.js';

describe('JSON merge patch (RFC 7386)', () => {
  // The object-patch examples of RFC 7386 appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (original, patch, expected) => {
    expect(applyPatch('ConfigMap', original, patch, 'merge')).toEqual(expected);
  });

  it('applies a kubectl label/scale style patch and replaces lists wholesale', () => {
    const deployment = {
      metadata: { name: 'web', labels: { app: 'web', tier: 'front' } },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'log', image: 'busybox' }] } } },
    };
    const patched = applyPatch(
      'Deployment',
      deployment,
      { metadata: { labels: { tier: null, team: 'a' } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } },
      'merge',
    );
    expect(patched).toEqual({
      metadata: { name: 'web', labels: { app: 'web', team: 'a' } },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } },
    });
  });

  it.each([[['a']], ['text'], [null], [42]])('rejects a non-object patch %j with a 400 PatchError', (patch) => {
    expect(() => applyPatch('Pod', { metadata: {} }, patch, 'merge')).toThrow(PatchError);
    try {
      applyPatch('Pod', { metadata: {} }, patch, 'merge');
    } catch (err) {
      expect((err as PatchError).code).toBe(400);
    }
  });

  it('keeps a __proto__ data key as data', () => {
    const patch: unknown = JSON.parse('{"data":{"__proto__":{"polluted":"yes"}}}');
    const patched = applyPatch('ConfigMap', { data: { a: '1' } }, patch, 'merge') as { data: Record<string, unknown> };
    // Had `__proto__` been assigned rather than defined, `polluted` would be inherited here.
    expect(patched.data.polluted).toBeUndefined();
    expect(patched.data.__proto__).toEqual({ polluted: 'yes' });
    expect(Object.keys(patched.data).sort()).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
