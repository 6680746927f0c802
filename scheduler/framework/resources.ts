/**
 * Resource arithmetic as the scheduler counts it: cpu in millicores, memory and ephemeral-storage in bytes,
 * extended resources (`example.com/gpu`, hugepages-*) in whole units.
 */
import { quantityToMilli, quantityValue } from '../../api/quantity.js';
import type { Container, Node, Pod, ResourceList } from '../../api/types/core.js';

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and hugepages resources by name, whole units. */
  scalar: Record<string, number>;
}

/** What the kubelet assumes a container without requests uses, for spreading scores only (never for fit). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {} };
}

/** True for names the scheduler fits as scalar counts: extended resources (domain-prefixed) and hugepages. */
export function isScalarResourceName(name: string): boolean {
  return name.startsWith('hugepages-') || (name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.'));
}

/** A resource list (`{cpu: '500m', memory: '1Gi'}`) as a Resource. Unparseable quantities count as zero: validation rejected them already. */
export function resourceFromList(list: ResourceList | undefined): Resource {
  const r = emptyResource();
  if (!list) return r;
  for (const [name, q] of Object.entries(list)) {
    try {
      if (name === 'cpu') r.milliCPU = Number(quantityToMilli(q));
      else if (name === 'memory') r.memory = quantityValue(q);
      else if (name === 'ephemeral-storage') r.ephemeralStorage = quantityValue(q);
      else if (isScalarResourceName(name)) r.scalar[name] = quantityValue(q);
    } catch {
      // ignore: see above
    }
  }
  return r;
}

export function addTo(total: Resource, r: Resource, sign = 1): void {
  total.milliCPU += sign * r.milliCPU;
  total.memory += sign * r.memory;
  total.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [name, v] of Object.entries(r.scalar)) total.scalar[name] = (total.scalar[name] ?? 0) + sign * v;
}

function maxInto(total: Resource, r: Resource): void {
  total.milliCPU = Math.max(total.milliCPU, r.milliCPU);
  total.memory = Math.max(total.memory, r.memory);
  total.ephemeralStorage = Math.max(total.ephemeralStorage, r.ephemeralStorage);
  for (const [name, v] of Object.entries(r.scalar)) total.scalar[name] = Math.max(total.scalar[name] ?? 0, v);
}

function containerRequests(c: Container): Resource {
  // A limit without a request requests the limit (the defaulter does this; be robust to undefaulted pods).
  return resourceFromList({ ...c.resources?.limits, ...c.resources?.requests });
}

/**
 * A pod's effective request as the kubelet admits it: the larger of the sum over app containers and the
 * largest single init container (init containers run one at a time, before the app), plus pod overhead.
 * Sidecar-style init containers (restartPolicy Always) keep running, so they add to everything after them.
 */
export function podRequests(pod: Pod): Resource {
  const total = emptyResource();
  for (const c of pod.spec.containers) addTo(total, containerRequests(c));
  const sidecars = emptyResource();
  const initPeak = emptyResource();
  for (const c of pod.spec.initContainers ?? []) {
    const req = containerRequests(c);
    if (c.restartPolicy === 'Always') {
      addTo(sidecars, req);
      maxInto(initPeak, sidecars);
    } else {
      const peak = emptyResource();
      addTo(peak, sidecars);
      addTo(peak, req);
      maxInto(initPeak, peak);
    }
  }
  addTo(total, sidecars);
  maxInto(total, initPeak);
  const overhead = pod.spec.overhead as ResourceList | undefined;
  if (overhead) addTo(total, resourceFromList(overhead));
  return total;
}

/** cpu and memory with the kubelet's defaults for containers that request nothing: what spreading scores compare. */
export function podNonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  let milliCPU = 0;
  let memory = 0;
  for (const c of pod.spec.containers) {
    const r = containerRequests(c);
    milliCPU += r.milliCPU || DEFAULT_MILLI_CPU_REQUEST;
    memory += r.memory || DEFAULT_MEMORY_REQUEST;
  }
  return { milliCPU, memory };
}

export interface NodeAllocatable extends Resource {
  allowedPodNumber: number;
}

/** A node's allocatable (falling back to capacity, as an agent that reports only capacity means "all of it"). */
export function nodeAllocatable(node: Node): NodeAllocatable {
  const list = node.status?.allocatable ?? node.status?.capacity;
  let pods = 0;
  try {
    pods = list?.pods !== undefined ? quantityValue(list.pods) : 0;
  } catch {
    pods = 0;
  }
  return { ...resourceFromList(list), allowedPodNumber: pods };
}
