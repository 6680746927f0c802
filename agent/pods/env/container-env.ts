/**
 * A container's environment as the kubelet builds it (makeEnvironmentVariables): envFrom sources in order,
 * then env entries, each `value` expanded against the variables defined so far and each `valueFrom` read from
 * the pod, its resources, or a ConfigMap/Secret. A missing non-optional object or key is a
 * ContainerConfigError naming it; optional ones are left out.
 */
import { isEnvVarName } from '../../../api/validation/common.js';
import type { Container, EnvVar, KeySelector, Pod, ResourceList } from '../../../api/types/core.js';
import { ContainerConfigError, notFoundMessage, type ConfigSource } from '../config-source.js';
import { fieldRefValue, resourceFieldValue, type PodAddresses } from '../downward-api.js';
import { expand } from './expansion.js';

export interface EnvContext {
  pod: Pod;
  config: ConfigSource;
  addresses: PodAddresses;
  /** Stands in for unset limits in resourceFieldRef. */
  allocatable: ResourceList;
}

export interface ResolvedEnv {
  /** In definition order; a later definition of a name replaces the earlier one in place. */
  vars: Map<string, string>;
  /** envFrom keys skipped because they are not valid variable names (the kubelet reports them in an event). */
  invalidKeys: string[];
}

async function keyRef(ctx: EnvContext, kind: 'ConfigMap' | 'Secret', ref: KeySelector): Promise<string | undefined> {
  const ns = ctx.pod.metadata.namespace ?? 'default';
  const data = await ctx.config.get(kind, ns, ref.name);
  if (!data) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(notFoundMessage(kind, ref.name));
  }
  const value = data.strings[ref.key];
  if (value === undefined && !ref.optional) throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`);
  return value;
}

async function valueOf(ctx: EnvContext, container: Container, v: EnvVar, i: number, defined: Map<string, string>): Promise<string | undefined> {
  const from = v.valueFrom;
  if (v.value || !from) return expand(v.value ?? '', (name) => defined.get(name));
  if (from.fieldRef) return fieldRefValue(ctx.pod, from.fieldRef, ctx.addresses);
  if (from.resourceFieldRef) {
    const { containerName } = from.resourceFieldRef;
    const target = containerName ? [...ctx.pod.spec.containers, ...ctx.pod.spec.initContainers ?? []].find((c) => c.name === containerName) : container;
    if (!target) throw new ContainerConfigError(`env ${v.name}: resourceFieldRef names container ${JSON.stringify(containerName)}, which the pod does not have`);
    return resourceFieldValue(target, from.resourceFieldRef, ctx.allocatable, (detail) => new ContainerConfigError(`env[${i}].valueFrom.resourceFieldRef.divisor: ${detail}`));
  }
  if (from.configMapKeyRef) return keyRef(ctx, 'ConfigMap', from.configMapKeyRef);
  if (from.secretKeyRef) return keyRef(ctx, 'Secret', from.secretKeyRef);
  return '';
}

export async function resolveContainerEnv(ctx: EnvContext, container: Container): Promise<ResolvedEnv> {
  const vars = new Map<string, string>();
  const invalidKeys: string[] = [];
  for (const src of container.envFrom ?? []) {
    const ref = src.configMapRef ?? src.secretRef;
    if (!ref) continue;
    const kind = src.configMapRef ? 'ConfigMap' : 'Secret';
    const data = await ctx.config.get(kind, ctx.pod.metadata.namespace ?? 'default', ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new ContainerConfigError(notFoundMessage(kind, ref.name));
    }
    for (const [key, value] of Object.entries(data.strings)) {
      const name = `${src.prefix ?? ''}${key}`;
      if (isEnvVarName(name).length) invalidKeys.push(name);
      else vars.set(name, value);
    }
  }
  for (const [i, v] of (container.env ?? []).entries()) {
    const value = await valueOf(ctx, container, v, i, vars);
    if (value !== undefined) vars.set(v.name, value);
  }
  return { vars, invalidKeys: invalidKeys.sort() };
}
