/** A pod's container spec + its image → the runtime's ContainerConfig. Pure. */
import type { Container, Pod } from '../../api/types/core.js';
import type { ContainerConfig as ImageConfig } from '../images/manifest.js';
import { containerResources } from '../runtime/runc/resources.js';
import type { ContainerConfig, ContainerMount } from '../runtime/runtime.js';
import { expand } from './env/expansion.js';

/** Labels the agent keeps on every container, so the runtime alone says which pod a container belongs to. */
export const Labels = {
  podUid: 'cairn.dev/pod-uid',
  podNamespace: 'cairn.dev/pod-namespace',
  podName: 'cairn.dev/pod-name',
  /** `init` or `app`. */
  kind: 'cairn.dev/container-kind',
  /** The image's config digest, reported as imageID. */
  imageId: 'cairn.dev/image-id',
} as const;

export type ContainerKind = 'init' | 'app';

/** The sandbox id of a pod: its uid, stable across renames and agent restarts. */
export const sandboxId = (pod: Pod): string => pod.metadata.uid!;

/** Unique per pod, container and attempt, so a restart is a new container and the previous one can be kept for lastState. */
export function containerId(podUid: string, kind: ContainerKind, name: string, attempt: number): string {
  return `${podUid}-${kind === 'init' ? 'i' : 'c'}-${name}-${attempt}`;
}

/**
 * Kubernetes' rules: command replaces the entrypoint (and drops the image's cmd), args replace the cmd. The
 * pod's command and args have `$(VAR)` expanded against the container's env (not the image's), as the kubelet does.
 */
export function resolveArgs(spec: Container, image: ImageConfig, env: ReadonlyMap<string, string> = new Map()): string[] {
  const expanded = (list: string[]) => list.map((a) => expand(a, (name) => env.get(name)));
  const entrypoint = spec.command?.length ? expanded(spec.command) : image.Entrypoint ?? [];
  const cmd = spec.args?.length ? expanded(spec.args) : spec.command?.length ? [] : image.Cmd ?? [];
  return [...entrypoint, ...cmd];
}

/** The image's env overridden by the container's resolved env (env/container-env.ts), by name. */
export function resolveEnv(env: ReadonlyMap<string, string>, image: ImageConfig): string[] {
  const merged = new Map<string, string>();
  for (const entry of image.Env ?? []) {
    const eq = entry.indexOf('=');
    merged.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
  }
  for (const [name, value] of env) merged.set(name, value);
  return [...merged].map(([name, value]) => `${name}=${value}`);
}

export interface ContainerConfigInput {
  pod: Pod;
  spec: Container;
  kind: ContainerKind;
  attempt: number;
  image: ImageConfig;
  imageID: string;
  /** The container's own writable root (see container-rootfs.ts). */
  rootfs: string;
  /** The container's resolved env (env/container-env.ts). */
  env: ReadonlyMap<string, string>;
  /** Files the agent provides (resolv.conf) and the container's volumes. */
  mounts?: ContainerMount[];
}

export function containerConfig({ pod, spec, kind, attempt, image, imageID, rootfs, env, mounts }: ContainerConfigInput): ContainerConfig {
  const uid = pod.metadata.uid!;
  const args = resolveArgs(spec, image, env);
  if (!args.length) throw new Error(`container ${spec.name}: no command given and the image has no entrypoint or cmd`);
  return {
    id: containerId(uid, kind, spec.name, attempt),
    podId: sandboxId(pod),
    ...(pod.spec.hostNetwork ? { hostNetwork: true } : {}),
    name: spec.name,
    attempt,
    labels: {
      [Labels.podUid]: uid,
      [Labels.podNamespace]: pod.metadata.namespace ?? 'default',
      [Labels.podName]: pod.metadata.name!,
      [Labels.kind]: kind,
      [Labels.imageId]: imageID,
    },
    rootfs,
    args,
    env: resolveEnv(env, image),
    workingDir: spec.workingDir || image.WorkingDir || undefined,
    hostname: (pod.spec.hostname ?? pod.metadata.name!).slice(0, 63),
    resources: containerResources(spec.resources),
    ...(mounts?.length ? { mounts } : {}),
  };
}
