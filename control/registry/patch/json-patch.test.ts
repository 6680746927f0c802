import { describe, it, expect } from '@jest/globals';
import { applyPatch, PatchError } from './index.js';

// Patched documents are arbitrary JSON; the checks below index into them freely.
type Doc = any;

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web', 'app.kubernetes.io/name': 'web' }, annotations: { note: 'x' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }] }], tolerations: [] as unknown[] },
});

function failure(patch: unknown, original: unknown = pod()): PatchError {
  try {
    applyPatch('Pod', original, patch, 'json');
  } catch (err) {
    expect(err).toBeInstanceOf(PatchError);
    return err as PatchError;
  }
  throw new Error('expected the patch to fail');
}

describe('JSON patch (RFC 6902)', () => {
  it.each([
    ['add a label', [{ op: 'add', path: '/metadata/labels/tier', value: 'front' }], (p: Doc) => p.metadata.labels.tier === 'front'],
    ['replace an image by index', [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }], (p: Doc) => p.spec.containers[0].image === 'nginx:2'],
    ['remove an escaped label key', [{ op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' }], (p: Doc) => !('app.kubernetes.io/name' in p.metadata.labels)],
    ['append to a list with -', [{ op: 'add', path: '/spec/containers/-', value: { name: 'log', image: 'busybox' } }], (p: Doc) => p.spec.containers[1].name === 'log'],
    ['move an annotation to a label', [{ op: 'move', from: '/metadata/annotations/note', path: '/metadata/labels/note' }], (p: Doc) => p.metadata.labels.note === 'x' && !('note' in p.metadata.annotations)],
    ['copy a container', [{ op: 'copy', from: '/spec/containers/0', path: '/spec/containers/1' }], (p: Doc) => p.spec.containers.length === 2 && p.spec.containers[1] !== p.spec.containers[0]],
    ['test then replace (optimistic update)', [{ op: 'test', path: '/metadata/labels/app', value: 'web' }, { op: 'replace', path: '/metadata/labels/app', value: 'api' }], (p: Doc) => p.metadata.labels.app === 'api'],
    ['add null value', [{ op: 'add', path: '/spec/nodeName', value: null }], (p: Doc) => p.spec.nodeName === null],
  ])('%s', (_name, patch, check) => {
    const patched = applyPatch('Pod', pod(), patch, 'json');
    expect(check(patched)).toBe(true);
  });

  it('reports a failed test op by its path and applies nothing', () => {
    const original = pod();
    const err = failure([{ op: 'add', path: '/metadata/labels/x', value: 'y' }, { op: 'test', path: '/metadata/labels/app', value: 'api' }], original);
    expect(err.message).toBe('the json patch test operation failed at /metadata/labels/app');
    expect(err.code).toBe(422);
    expect(original).toEqual(pod());
  });

  it.each([
    ['remove of a missing key', [{ op: 'remove', path: '/metadata/labels/missing' }], /remove operation failed at \/metadata\/labels\/missing/],
    ['replace of a missing key', [{ op: 'replace', path: '/spec/nodeName', value: 'n1' }], /replace operation failed at \/spec\/nodeName/],
    ['add under a missing parent', [{ op: 'add', path: '/status/phase/x', value: 1 }], /add operation failed at \/status\/phase\/x/],
    ['replace out of bounds', [{ op: 'replace', path: '/spec/containers/3', value: {} }], /replace operation failed at \/spec\/containers\/3/],
    ['move from a missing path', [{ op: 'move', from: '/nope', path: '/x' }], /move operation failed at \/x.*\/nope/],
    ['move into its own child', [{ op: 'move', from: '/metadata', path: '/metadata/labels/m' }], /move operation failed at \/metadata\/labels\/m/],
    ['prototype pollution', [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }], /add operation failed at \/__proto__\/polluted/],
  ])('turns %s into a 422 PatchError naming the path', (_name, patch, message) => {
    const err = failure(patch);
    expect(err.message).toMatch(message);
    expect(err.code).toBe(422);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['an object instead of an array', { op: 'add', path: '/a', value: 1 }],
    ['an unknown op', [{ op: 'merge', path: '/a', value: 1 }]],
    ['a path without a leading slash', [{ op: 'add', path: 'metadata/labels/a', value: 1 }]],
    ['an add without value', [{ op: 'add', path: '/metadata/labels/a' }]],
    ['a copy without from', [{ op: 'copy', path: '/metadata/labels/a' }]],
    ['a non-object operation', ['add']],
  ])('rejects %s with a 400 PatchError', (_name, patch) => {
    expect(failure(patch).code).toBe(400);
  });

  it('does not share inserted values with the caller patch', () => {
    const value = { name: 'log', image: 'busybox' };
    const patched = applyPatch('Pod', pod(), [{ op: 'add', path: '/spec/containers/-', value }], 'json') as Doc;
    patched.spec.containers[1].image = 'changed';
    expect(value.image).toBe('busybox');
  });
});
