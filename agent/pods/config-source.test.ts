import { describe, expect, it } from '@jest/globals';
import type { ConfigMap, Secret } from '../../api/types/core.js';
import { ApiError, Reason } from '../../api/errors.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import { CachedConfigSource } from './config-source.js';

function fakeClient<T>(objects: Record<string, T>, gets: string[]): ResourceClient<T & ConfigMap> {
  return {
    get: async (name: string, namespace?: string) => {
      gets.push(`${namespace}/${name}`);
      const obj = objects[`${namespace}/${name}`];
      if (obj instanceof Error) throw obj;
      if (!obj) throw new ApiError(404, Reason.NotFound, 'not found');
      return obj;
    },
  } as unknown as ResourceClient<T & ConfigMap>; // only get is used
}

describe('CachedConfigSource', () => {
  it('GETs each object once per TTL, decodes secrets and binaryData, and reports a missing one as undefined', async () => {
    let now = 0;
    const gets: string[] = [];
    const configMaps = fakeClient<ConfigMap>({ 'ns/cm': { metadata: { name: 'cm' }, data: { a: 'one' }, binaryData: { b: Buffer.from('two').toString('base64') } } }, gets);
    const secrets = fakeClient<Secret>({ 'ns/s': { metadata: { name: 's' }, data: { p: Buffer.from('pw').toString('base64') } } }, gets) as unknown as ResourceClient<Secret>;
    const source = new CachedConfigSource({ configMaps, secrets }, 1000, () => now);
    const cm = await source.get('ConfigMap', 'ns', 'cm');
    expect(cm?.strings).toEqual({ a: 'one' });
    expect(cm?.bytes.b?.toString()).toBe('two');
    expect((await source.get('Secret', 'ns', 's'))?.strings).toEqual({ p: 'pw' });
    expect(await source.get('ConfigMap', 'ns', 'gone')).toBeUndefined();
    await source.get('ConfigMap', 'ns', 'cm');
    expect(gets).toEqual(['ns/cm', 'ns/s', 'ns/gone']);
    now = 1000;
    await source.get('ConfigMap', 'ns', 'cm');
    expect(gets).toEqual(['ns/cm', 'ns/s', 'ns/gone', 'ns/cm']);
  });

  it('does not remember a failed read', async () => {
    const gets: string[] = [];
    const objects: Record<string, ConfigMap | Error> = { 'ns/cm': new Error('connection reset') };
    const configMaps = fakeClient(objects, gets) as unknown as ResourceClient<ConfigMap>;
    const source = new CachedConfigSource({ configMaps, secrets: configMaps as unknown as ResourceClient<Secret> }, 60_000);
    await expect(source.get('ConfigMap', 'ns', 'cm')).rejects.toThrow('connection reset');
    objects['ns/cm'] = { metadata: { name: 'cm' }, data: { a: '1' } };
    expect((await source.get('ConfigMap', 'ns', 'cm'))?.strings).toEqual({ a: '1' });
  });
});
