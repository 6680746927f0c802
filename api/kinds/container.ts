/** One container (regular, init or ephemeral): name, image, ports, env, resources, mounts, probes. */
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from '../errors.js';
import { isDns1123Label, isIANASvcName, isValidPortNum, validateKnownFields } from '../validation/common.js';
import { validateEnv, validateEnvFrom } from './container-env.js';
import { validateResourceRequirements } from './container-resources.js';
import { isValidIP } from './net.js';
import { CONTAINER_FIELDS, CONTAINER_PORT_FIELDS, EPHEMERAL_CONTAINER_FIELDS } from './pod-fields.js';
import { validateLifecycle, validateProbe, type ProbeKind } from './probe.js';
import { validateContainerSecurityContext } from './security-context.js';
import { child, index, optArray, optBool, optEnum, optInt, optObject, optString, optStringList, problems, requiredName, type Fields, requiredBecause } from './util.js';
import { validateVolumeDevices, validateVolumeMounts } from './volumes.js';

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'] as const;
const PROBES: readonly ProbeKind[] = ['livenessProbe', 'readinessProbe', 'startupProbe'];

export type ContainerRole = 'container' | 'init' | 'ephemeral';

export interface ContainerContext {
  role: ContainerRole;
  /** Names declared in spec.volumes, for volumeMounts to reference. */
  volumes: Set<string>;
  hostNetwork: boolean;
}

/** Container ports: valid numbers, unique IANA names, a known protocol (unset means TCP). */
function validatePorts(value: unknown, path: string, ctx: ContainerContext, errs: FieldError[]): void {
  const names = new Set<string>();
  (optArray(value, path, errs) ?? []).forEach((p, i) => {
    const pp = index(path, i);
    const port = optObject(p, pp, errs);
    if (!port) return;
    errs.push(...validateKnownFields(port, CONTAINER_PORT_FIELDS, pp));
    const name = optString(port.name, child(pp, 'name'), errs);
    if (name) {
      errs.push(...problems(child(pp, 'name'), name, isIANASvcName(name)));
      if (names.has(name)) errs.push(duplicate(child(pp, 'name'), name));
      names.add(name);
    }
    const cp = child(pp, 'containerPort');
    if (port.containerPort === undefined || port.containerPort === null || port.containerPort === 0) errs.push(required(cp));
    else if (optInt(port.containerPort, cp, errs) !== undefined) errs.push(...problems(cp, port.containerPort, isValidPortNum(port.containerPort as number)));
    const hp = child(pp, 'hostPort');
    if (port.hostPort !== undefined && port.hostPort !== 0 && optInt(port.hostPort, hp, errs) !== undefined) {
      errs.push(...problems(hp, port.hostPort, isValidPortNum(port.hostPort as number)));
      // With the host's network namespace there is only one port, so the two numbers must agree.
      if (ctx.hostNetwork && port.hostPort !== port.containerPort) errs.push(invalid(hp, port.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
    }
    optEnum(port.protocol, child(pp, 'protocol'), PROTOCOLS, errs);
    const hostIP = optString(port.hostIP, child(pp, 'hostIP'), errs);
    if (hostIP) errs.push(...problems(child(pp, 'hostIP'), hostIP, isValidIP(hostIP)));
  });
}

function validateResizePolicy(value: unknown, path: string, errs: FieldError[]): void {
  (optArray(value, path, errs) ?? []).forEach((r, i) => {
    const rp = index(path, i);
    const policy = optObject(r, rp, errs);
    if (!policy) return;
    errs.push(...validateKnownFields(policy, ['resourceName', 'restartPolicy'], rp));
    if (policy.resourceName === undefined) errs.push(required(child(rp, 'resourceName')));
    else optEnum(policy.resourceName, child(rp, 'resourceName'), ['cpu', 'memory'], errs);
    if (policy.restartPolicy === undefined) errs.push(required(child(rp, 'restartPolicy')));
    else optEnum(policy.restartPolicy, child(rp, 'restartPolicy'), ['NotRequired', 'RestartContainer'], errs);
  });
}

/** Validates one container; uniqueness of names across the pod is the caller's job. */
export function validateContainer(value: unknown, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const c = optObject(value, path, errs);
  if (!c) return errs;
  errs.push(...validateKnownFields(c, ctx.role === 'ephemeral' ? EPHEMERAL_CONTAINER_FIELDS : CONTAINER_FIELDS, path));
  errs.push(...requiredName(c.name, child(path, 'name'), isDns1123Label));

  const image = optString(c.image, child(path, 'image'), errs);
  if (!image) errs.push(requiredBecause(child(path, 'image'), 'a container image such as "nginx:1.27" is required'));
  else if (image.trim() !== image) errs.push(invalid(child(path, 'image'), image, 'must not have leading or trailing whitespace'));

  optStringList(c.command, child(path, 'command'), errs);
  optStringList(c.args, child(path, 'args'), errs);
  optString(c.workingDir, child(path, 'workingDir'), errs);
  validatePorts(c.ports, child(path, 'ports'), ctx, errs);
  errs.push(...validateEnv(c.env, child(path, 'env')));
  errs.push(...validateEnvFrom(c.envFrom, child(path, 'envFrom')));
  errs.push(...validateResourceRequirements(c.resources, child(path, 'resources')));
  validateResizePolicy(c.resizePolicy, child(path, 'resizePolicy'), errs);
  errs.push(...validateVolumeMounts(c.volumeMounts, child(path, 'volumeMounts'), ctx.volumes));
  errs.push(...validateVolumeDevices(c.volumeDevices, child(path, 'volumeDevices'), ctx.volumes));

  validateRestartPolicy(c, path, ctx.role, errs);
  // Init containers run to completion, so health checks only make sense for restartable (sidecar) ones.
  const sidecar = ctx.role === 'init' && c.restartPolicy === 'Always';
  const probesAllowed = ctx.role === 'container' || sidecar;
  for (const kind of PROBES) {
    if (c[kind] === undefined || c[kind] === null) continue;
    if (!probesAllowed) errs.push(forbidden(child(path, kind), notAllowedFor(ctx.role)));
    else errs.push(...validateProbe(c[kind], child(path, kind), kind));
  }
  if (c.lifecycle !== undefined && c.lifecycle !== null) {
    if (!probesAllowed) errs.push(forbidden(child(path, 'lifecycle'), notAllowedFor(ctx.role)));
    else errs.push(...validateLifecycle(c.lifecycle, child(path, 'lifecycle')));
  }

  optString(c.terminationMessagePath, child(path, 'terminationMessagePath'), errs);
  optEnum(c.terminationMessagePolicy, child(path, 'terminationMessagePolicy'), TERMINATION_MESSAGE_POLICIES, errs);
  optEnum(c.imagePullPolicy, child(path, 'imagePullPolicy'), PULL_POLICIES, errs);
  errs.push(...validateContainerSecurityContext(c.securityContext, child(path, 'securityContext')));
  for (const f of ['stdin', 'stdinOnce', 'tty'] as const) optBool(c[f], child(path, f), errs);
  if (ctx.role === 'ephemeral') {
    for (const f of ['ports', 'resources', 'resizePolicy'] as const) {
      if (c[f] !== undefined && !(Array.isArray(c[f]) && (c[f] as unknown[]).length === 0)) errs.push(forbidden(child(path, f), 'cannot be set for an Ephemeral Container'));
    }
  }
  return errs;
}

function notAllowedFor(role: ContainerRole): string {
  return `may not be set for ${role === 'init' ? 'init containers without restartPolicy=Always' : 'ephemeral containers'}`;
}

/** Only init containers may restart on their own (as sidecars), and only with `Always`. */
function validateRestartPolicy(c: Fields, path: string, role: ContainerRole, errs: FieldError[]): void {
  const rp = child(path, 'restartPolicy');
  if (c.restartPolicyRules !== undefined && c.restartPolicyRules !== null) errs.push(forbidden(child(path, 'restartPolicyRules'), 'not supported'));
  if (c.restartPolicy === undefined || c.restartPolicy === null) return;
  if (role === 'init') {
    if (c.restartPolicy !== 'Always') errs.push(notSupported(rp, c.restartPolicy, ['Always']));
  } else {
    errs.push(forbidden(rp, 'may not be set for non-init containers'));
  }
}
