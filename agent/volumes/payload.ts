/**
 * The files of configMap, secret, downwardAPI and projected volumes, as the kubelet computes them: all keys or
 * the listed items (key → path, per-item mode over defaultMode), optional sources that are missing give no
 * files, a missing required object or key fails the mount.
 */
import type { Container, DownwardAPIVolumeFile, KeyToPath, Pod, ResourceList, Volume } from '../../api/types/core.js';
import { notFoundMessage, type ConfigSource } from '../pods/config-source.js';
import { fieldRefValue, resourceFieldValue, type PodAddresses } from '../pods/downward-api.js';
import type { Payload } from './atomic-writer.js';

/** The kubelet's default for these volumes (0644). */
export const DEFAULT_MODE = 0o644;

/** A volume that cannot be set up yet; the pod's containers wait and the agent retries. */
export class VolumeError extends Error {}

export interface PayloadContext {
  pod: Pod;
  config: ConfigSource;
  addresses: PodAddresses;
  allocatable: ResourceList;
}

async function configPayload(ctx: PayloadContext, kind: 'ConfigMap' | 'Secret', name: string, items: KeyToPath[] | undefined, optional: boolean | undefined, mode: number, out: Payload): Promise<void> {
  const ns = ctx.pod.metadata.namespace ?? 'default';
  const data = await ctx.config.get(kind, ns, name);
  if (!data) {
    if (optional) return;
    throw new VolumeError(notFoundMessage(kind, name));
  }
  if (!items?.length) {
    for (const [key, bytes] of Object.entries(data.bytes)) out.set(key, { data: bytes, mode });
    return;
  }
  for (const item of items) {
    const bytes = data.bytes[item.key];
    if (!bytes) {
      if (optional) continue;
      throw new VolumeError(`${kind.toLowerCase()} references non-existent config key: ${item.key}`);
    }
    out.set(item.path, { data: bytes, mode: item.mode ?? mode });
  }
}

function downwardPayload(ctx: PayloadContext, items: DownwardAPIVolumeFile[] | undefined, mode: number, out: Payload): void {
  const containers: Container[] = [...ctx.pod.spec.containers, ...ctx.pod.spec.initContainers ?? []];
  for (const item of items ?? []) {
    let value = '';
    if (item.fieldRef) value = fieldRefValue(ctx.pod, item.fieldRef, ctx.addresses);
    else if (item.resourceFieldRef) {
      const target = containers.find((c) => c.name === item.resourceFieldRef!.containerName);
      if (!target) throw new VolumeError(`downwardAPI ${item.path}: no container named ${JSON.stringify(item.resourceFieldRef.containerName)}`);
      value = resourceFieldValue(target, item.resourceFieldRef, ctx.allocatable, (detail) => new VolumeError(`downwardAPI ${item.path}: resourceFieldRef.divisor: ${detail}`));
    }
    out.set(item.path, { data: Buffer.from(value), mode: item.mode ?? mode });
  }
}

/** The files of a volume written by the agent; undefined for sources that are not files (emptyDir, hostPath ...). */
export async function volumePayload(ctx: PayloadContext, volume: Volume): Promise<Payload | undefined> {
  const out: Payload = new Map();
  if (volume.configMap) {
    const s = volume.configMap;
    await configPayload(ctx, 'ConfigMap', s.name, s.items, s.optional, s.defaultMode ?? DEFAULT_MODE, out);
  } else if (volume.secret) {
    const s = volume.secret;
    await configPayload(ctx, 'Secret', s.secretName, s.items, s.optional, s.defaultMode ?? DEFAULT_MODE, out);
  } else if (volume.downwardAPI) {
    downwardPayload(ctx, volume.downwardAPI.items, volume.downwardAPI.defaultMode ?? DEFAULT_MODE, out);
  } else if (volume.projected) {
    const mode = volume.projected.defaultMode ?? DEFAULT_MODE;
    for (const src of volume.projected.sources ?? []) {
      if (src.configMap) await configPayload(ctx, 'ConfigMap', src.configMap.name, src.configMap.items, src.configMap.optional, mode, out);
      else if (src.secret) await configPayload(ctx, 'Secret', src.secret.name, src.secret.items, src.secret.optional, mode, out);
      else if (src.downwardAPI) downwardPayload(ctx, src.downwardAPI.items, mode, out);
      else throw new VolumeError(`projected volume ${volume.name}: only configMap, secret and downwardAPI sources are supported on this node`);
    }
  } else return undefined;
  return out;
}
