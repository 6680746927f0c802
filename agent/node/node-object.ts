/** The Node object an agent registers: what the node has, where it is, and how healthy it is. Pure. */
import { addQuantities, formatQuantity, parseQuantity } from '../../api/quantity.js';
import type { Condition, Node, NodeStatus, ResourceList, Taint } from '../../api/types/core.js';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_OS = 'kubernetes.io/os';
export const LABEL_ARCH = 'kubernetes.io/arch';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_REGION = 'topology.kubernetes.io/region';

/** The labels the agent owns: set again on every registration, like the kubelet's default labels. Others belong to admins. */
export const AGENT_OWNED_LABELS = [LABEL_HOSTNAME, LABEL_OS, LABEL_ARCH, LABEL_ZONE, LABEL_REGION] as const;

/** The kubelet's reasons, so tools that match on them (kubectl describe, alerts) read Cairn nodes unchanged. */
export const NodeReason = {
  Ready: 'KubeletReady',
  NotReady: 'KubeletNotReady',
  SufficientMemory: 'KubeletHasSufficientMemory',
  InsufficientMemory: 'KubeletHasInsufficientMemory',
  NoDiskPressure: 'KubeletHasNoDiskPressure',
  DiskPressure: 'KubeletHasDiskPressure',
  SufficientPID: 'KubeletHasSufficientPID',
  InsufficientPID: 'KubeletHasInsufficientPID',
} as const;

export interface NodeHealth {
  ready: boolean;
  /** Why the node is not ready (shown in the Ready condition). */
  notReadyMessage?: string;
  memoryPressure: boolean;
  diskPressure: boolean;
  pidPressure: boolean;
}

export const HEALTHY: NodeHealth = { ready: true, memoryPressure: false, diskPressure: false, pidPressure: false };

/** What the node reports about its machine and software (NodeSystemInfo less the OS and architecture, which come from the shape). */
export interface NodeSoftware {
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  /** `<runtime>://<version>`, e.g. `runc://1.1.5` or `sim://0.1.0`. */
  containerRuntimeVersion: string;
  /** The agent's version, shown by `kubectl get nodes` as VERSION. */
  agentVersion: string;
}

export interface NodeShape {
  name: string;
  /** What the machine has: cpu, memory, ephemeral-storage, pods, and any extended resources. */
  capacity: ResourceList;
  /** Held back for the system and the agent; allocatable is capacity minus this. */
  reserved?: ResourceList;
  /** GOARCH-style architecture name (amd64, arm64, ...). */
  arch: string;
  zone?: string;
  region?: string;
  /** Labels beyond the agent-owned ones; applied when the node is first created. */
  labels?: Record<string, string>;
  /** Applied when the node is first created, like the kubelet's --register-with-taints. */
  taints?: Taint[];
  internalIP?: string;
  /** The port the agent's HTTPS endpoint (container logs) listens on, reported as daemonEndpoints.kubeletEndpoint. */
  agentPort?: number;
  software: NodeSoftware;
}

/** Node.js's process.arch in the names Kubernetes uses (Go's GOARCH). */
export function goArch(nodeArch: string): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', ppc64: 'ppc64le' };
  return names[nodeArch] ?? nodeArch;
}

/** Capacity less the reservation, never below zero; quantities keep the capacity's format. */
export function allocatableFor(capacity: ResourceList, reserved: ResourceList = {}): ResourceList {
  const out: ResourceList = {};
  for (const [name, amount] of Object.entries(capacity)) {
    const held = reserved[name];
    if (held === undefined) {
      out[name] = amount;
      continue;
    }
    const hold = parseQuantity(held);
    const left = addQuantities(amount, { ...hold, milli: -hold.milli });
    out[name] = formatQuantity(left.milli < 0n ? { ...left, milli: 0n } : left);
  }
  return out;
}

function condition(type: string, status: boolean, reason: string, message: string, now: string): Condition {
  return { type, status: status ? 'True' : 'False', reason, message, lastHeartbeatTime: now, lastTransitionTime: now };
}

/** The four conditions the agent reports, in the kubelet's order, stamped `now`. */
export function nodeConditions(health: NodeHealth, now: Date): Condition[] {
  const t = now.toISOString();
  return [
    health.memoryPressure
      ? condition('MemoryPressure', true, NodeReason.InsufficientMemory, 'agent has insufficient memory available', t)
      : condition('MemoryPressure', false, NodeReason.SufficientMemory, 'agent has sufficient memory available', t),
    health.diskPressure
      ? condition('DiskPressure', true, NodeReason.DiskPressure, 'agent has disk pressure', t)
      : condition('DiskPressure', false, NodeReason.NoDiskPressure, 'agent has no disk pressure', t),
    health.pidPressure
      ? condition('PIDPressure', true, NodeReason.InsufficientPID, 'agent has insufficient PID available', t)
      : condition('PIDPressure', false, NodeReason.SufficientPID, 'agent has sufficient PID available', t),
    health.ready
      ? condition('Ready', true, NodeReason.Ready, 'agent is posting ready status', t)
      : condition('Ready', false, NodeReason.NotReady, health.notReadyMessage ?? 'agent is not ready', t),
  ];
}

/**
 * Fresh agent conditions merged into what the node shows: a condition whose status did not change keeps its
 * lastTransitionTime; conditions of types the agent does not report (set by other components) are kept.
 */
export function mergeNodeConditions(current: readonly Condition[] | undefined, fresh: readonly Condition[]): Condition[] {
  const before = new Map((current ?? []).map((c) => [c.type, c]));
  const ours = new Set(fresh.map((c) => c.type));
  const merged = fresh.map((c) => {
    const old = before.get(c.type);
    return old && old.status === c.status && old.lastTransitionTime ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  });
  return [...(current ?? []).filter((c) => !ours.has(c.type)), ...merged];
}

export function nodeStatus(shape: NodeShape, health: NodeHealth, now: Date): NodeStatus {
  const sw = shape.software;
  return {
    capacity: { ...shape.capacity },
    allocatable: allocatableFor(shape.capacity, shape.reserved),
    conditions: nodeConditions(health, now),
    addresses: [
      ...(shape.internalIP ? [{ type: 'InternalIP', address: shape.internalIP }] : []),
      { type: 'Hostname', address: shape.name },
    ],
    ...(shape.agentPort ? { daemonEndpoints: { kubeletEndpoint: { Port: shape.agentPort } } } : {}),
    nodeInfo: {
      machineID: sw.machineID,
      systemUUID: sw.systemUUID,
      bootID: sw.bootID,
      kernelVersion: sw.kernelVersion,
      osImage: sw.osImage,
      containerRuntimeVersion: sw.containerRuntimeVersion,
      kubeletVersion: sw.agentVersion,
      kubeProxyVersion: sw.agentVersion,
      operatingSystem: 'linux',
      architecture: shape.arch,
    },
  };
}

/** The agent-owned labels for this shape (zone and region only when given). */
export function agentLabels(shape: NodeShape): Record<string, string> {
  return {
    [LABEL_HOSTNAME]: shape.name,
    [LABEL_OS]: 'linux',
    [LABEL_ARCH]: shape.arch,
    ...(shape.zone ? { [LABEL_ZONE]: shape.zone } : {}),
    ...(shape.region ? { [LABEL_REGION]: shape.region } : {}),
  };
}

/** The Node as first registered. */
export function buildNode(shape: NodeShape, health: NodeHealth, now: Date): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: shape.name, labels: { ...shape.labels, ...agentLabels(shape) } },
    spec: shape.taints?.length ? { taints: shape.taints.map((t) => ({ ...t })) } : {},
    status: nodeStatus(shape, health, now),
  };
}
