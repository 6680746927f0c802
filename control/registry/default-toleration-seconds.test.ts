import { describe, expect, it } from '@jest/globals';
import { resourceTypes } from '../../api/catalog.js';
import type { Pod, Toleration } from '../../api/types/core.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';

const pods = resourceTypes.find((t) => t.kind === 'Pod')!;
const pod = (tolerations?: Toleration[]): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [], ...(tolerations ? { tolerations } : {}) } });

describe('DefaultTolerationSeconds admission', () => {
  it('adds not-ready and unreachable NoExecute tolerations with the configured seconds to a new pod', async () => {
    const p = pod();
    await defaultTolerationSeconds({ unreachableSeconds: 12 })(pods, p, 'create');
    expect(p.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 12 },
    ]);
  });

  it('leaves a pod alone that already tolerates them (by key, or by tolerating everything), and updates', async () => {
    const own: Toleration = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 600 };
    const p = pod([own]);
    await defaultTolerationSeconds()(pods, p, 'create');
    expect(p.spec.tolerations).toEqual([own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]);
    const all = pod([{ operator: 'Exists' }]);
    await defaultTolerationSeconds()(pods, all, 'create');
    expect(all.spec.tolerations).toEqual([{ operator: 'Exists' }]);
    const updated = pod();
    await defaultTolerationSeconds()(pods, updated, 'update');
    expect(updated.spec.tolerations).toBeUndefined();
  });
});
