/**
 * Writes each pod's resolv.conf under `<dir>/<pod uid>/` and mounts it read-only at /etc/resolv.conf in every
 * container of the pod, as the kubelet does. The node's own resolver is read once per write, so edits to it
 * reach new pods.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '../../api/types/core.js';
import type { ContainerMount } from '../runtime/runtime.js';
import { parseResolvConf, podResolvConf, renderResolvConf, type ClusterDnsSettings } from './pod-dns.js';

/** Files the agent provides to every container of a pod. */
export interface PodMounts {
  mounts(pod: Pod): Promise<ContainerMount[]>;
  remove(uid: string): Promise<void>;
}

export class PodResolvFiles implements PodMounts {
  constructor(private readonly dir: string, private readonly settings: ClusterDnsSettings, private readonly hostResolvConf = '/etc/resolv.conf') {}

  async mounts(pod: Pod): Promise<ContainerMount[]> {
    const host = parseResolvConf(await readFile(this.hostResolvConf, 'utf8').catch(() => ''));
    const podDir = join(this.dir, pod.metadata.uid!);
    await mkdir(podDir, { recursive: true });
    const path = join(podDir, 'resolv.conf');
    await writeFile(path, renderResolvConf(podResolvConf(pod, this.settings, host)));
    return [{ hostPath: path, containerPath: '/etc/resolv.conf', readOnly: true }];
  }

  async remove(uid: string): Promise<void> {
    await rm(join(this.dir, uid), { recursive: true, force: true });
  }
}
