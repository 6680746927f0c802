import { describe, expect, it } from '@jest/globals';
import type { Pod, Volume } from '../../api/types/core.js';
import type { ConfigData, ConfigSource } from '../pods/config-source.js';
import { volumePayload, VolumeError, type PayloadContext } from './payload.js';

const objects: Record<string, ConfigData> = {
  'ConfigMap/ns/cm': { kind: 'ConfigMap', strings: {}, bytes: { 'app.conf': Buffer.from('port=80'), 'log.conf': Buffer.from('level=info') } },
  'Secret/ns/tls': { kind: 'Secret', strings: {}, bytes: { 'tls.key': Buffer.from('KEY') } },
};
const config: ConfigSource = { get: async (kind, ns, name) => objects[`${kind}/${ns}/${name}`] };
const pod: Pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web', namespace: 'ns', labels: { b: '2', a: '1' } },
  spec: { containers: [{ name: 'main', resources: { limits: { memory: '32Mi' } } }] },
};
const ctx: PayloadContext = { pod, config, addresses: { hostIP: '10.0.0.1', podIP: '10.1.0.2' }, allocatable: { cpu: '2', memory: '1Gi' } };
const files = async (volume: Omit<Volume, 'name'>) => {
  const p = await volumePayload(ctx, { name: 'v', ...volume });
  return p && Object.fromEntries([...p].map(([path, f]) => [path, `${f.data.toString()} ${f.mode.toString(8)}`]));
};

describe('volumePayload', () => {
  it('writes every key, or only the items with their paths and modes', async () => {
    expect(await files({ configMap: { name: 'cm' } })).toEqual({ 'app.conf': 'port=80 644', 'log.conf': 'level=info 644' });
    expect(await files({ configMap: { name: 'cm', defaultMode: 0o600, items: [{ key: 'app.conf', path: 'etc/app.conf' }, { key: 'log.conf', path: 'log', mode: 0o444 }] } }))
      .toEqual({ 'etc/app.conf': 'port=80 600', log: 'level=info 444' });
    expect(await files({ secret: { secretName: 'tls', defaultMode: 0o400 } })).toEqual({ 'tls.key': 'KEY 400' });
  });

  it('gives no files for a missing optional source and fails for a required one', async () => {
    expect(await files({ configMap: { name: 'gone', optional: true } })).toEqual({});
    expect(await files({ configMap: { name: 'cm', optional: true, items: [{ key: 'nope', path: 'x' }] } })).toEqual({});
    await expect(files({ secret: { secretName: 'gone' } })).rejects.toThrow(new VolumeError('secret "gone" not found'));
    await expect(files({ configMap: { name: 'cm', items: [{ key: 'nope', path: 'x' }] } })).rejects.toThrow('configmap references non-existent config key: nope');
  });

  it('writes downward API files and merges projected sources', async () => {
    expect(await files({
      downwardAPI: { items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'ip', fieldRef: { fieldPath: 'status.podIP' } },
        { path: 'mem', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } },
      ] },
    })).toEqual({ labels: 'a="1"\nb="2" 644', ip: '10.1.0.2 644', mem: '32 644' });
    expect(await files({
      projected: { defaultMode: 0o640, sources: [
        { configMap: { name: 'cm', items: [{ key: 'app.conf', path: 'app.conf' }] } },
        { secret: { name: 'tls' } },
        { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
      ] },
    })).toEqual({ 'app.conf': 'port=80 640', 'tls.key': 'KEY 640', name: 'web 640' });
  });

  it('is undefined for volumes that are not written files', async () => {
    expect(await files({ emptyDir: {} })).toBeUndefined();
  });
});
