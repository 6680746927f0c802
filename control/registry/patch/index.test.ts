import { describe, it, expect } from '@jest/globals';
import { applyPatch, type PatchType } from './index.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const deployment = () => ({
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a'] },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }] }] } } },
});

describe('applyPatch', () => {
  it('merges a container list under strategic patch but replaces it under merge patch', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'log', image: 'busybox' }] } } } };
    const names = (obj: unknown) =>
      ((obj as { spec: { template: { spec: { containers: { name: string }[] } } } }).spec.template.spec.containers).map((c) => c.name);
    expect(names(applyPatch('Deployment', deployment(), patch, 'strategic')).sort()).toEqual(['log', 'web']);
    expect(names(applyPatch('Deployment', deployment(), patch, 'merge'))).toEqual(['log']);
  });

  const patches: Array<[PatchType, unknown]> = [
    ['merge', { metadata: { labels: { app: null, x: 'y' } }, spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } }],
    [
      'strategic',
      {
        metadata: { labels: { app: null }, finalizers: ['b'], '$deleteFromPrimitiveList/finalizers': ['a'] },
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }],
              containers: [{ name: 'web', image: 'nginx:2', env: [{ name: 'A', $patch: 'delete' }] }, { $patch: 'replace' }],
            },
          },
        },
      },
    ],
    [
      'json',
      [
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:2' },
        { op: 'remove', path: '/metadata/labels/app' },
        { op: 'add', path: '/metadata/finalizers/-', value: 'b' },
        { op: 'move', from: '/spec/template/spec/containers/0/env', path: '/spec/env' },
      ],
    ],
  ];

  it.each(patches)('%s patch changes the object without mutating the input or the patch', (type, patch) => {
    const original = deepFreeze(deployment());
    deepFreeze(patch);
    const patched = applyPatch('Deployment', original, patch, type);
    expect(original).toEqual(deployment());
    expect(patched).not.toEqual(original);
    expect((patched as { metadata: { labels: Record<string, string> } }).metadata.labels.app).toBeUndefined();
  });
});
