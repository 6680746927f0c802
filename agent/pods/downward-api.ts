/**
 * Values the downward API exposes (env valueFrom and downwardAPI volume files): pod fields by fieldPath and
 * container resources by resourceFieldRef, formatted as the kubelet formats them. Pure.
 */
import { parseQuantity } from '../../api/quantity.js';
import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector, ResourceList } from '../../api/types/core.js';

/** What the pod object does not say yet when a container starts: its addresses. */
export interface PodAddresses {
  podIP?: string;
  hostIP: string;
}

/** `metadata.labels` as a whole: sorted `key="value"` lines (Go's %q quoting, which JSON's matches for text). */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {}).sort().map((k) => `${k}=${JSON.stringify(map![k])}`).join('\n');
}

/** The value of a fieldRef; an unsupported path throws (validation admits only supported ones). */
export function fieldRefValue(pod: Pod, ref: ObjectFieldSelector, addresses: PodAddresses): string {
  const path = ref.fieldPath;
  const subscript = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(path);
  if (subscript) return (subscript[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[subscript[2]!] ?? '';
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? 'default';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata.labels);
    case 'metadata.annotations': return formatMap(pod.metadata.annotations);
    case 'spec.nodeName': return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP': case 'status.hostIPs': return addresses.hostIP;
    case 'status.podIP': case 'status.podIPs': return addresses.podIP ?? '';
  }
  throw new Error(`unsupported fieldPath ${JSON.stringify(path)}`);
}

/**
 * A container's request or limit divided by `divisor` (default 1), rounded up. An unset limit is the node's
 * allocatable amount, as with the kubelet, so a program sizing itself from it sees what it can really use.
 * A divisor that is not positive is `invalidDivisor`'s error (the caller's kind, naming its field).
 */
export function resourceFieldValue(container: Container, ref: ResourceFieldSelector, allocatable: ResourceList, invalidDivisor: (detail: string) => Error): string {
  const [kind, name] = ref.resource.split(/\.(.*)/s) as [string, string];
  const list = kind === 'limits' ? container.resources?.limits : container.resources?.requests;
  const amount = list?.[name] ?? (kind === 'limits' ? allocatable[name] : undefined) ?? 0;
  let divisor: bigint;
  try {
    divisor = parseQuantity(ref.divisor ?? 1).milli;
  } catch {
    divisor = 0n;
  }
  // The API rejects these; a pod stored before that check must fail visibly, not be retried forever.
  if (divisor <= 0n) throw invalidDivisor(`${JSON.stringify(ref.divisor)} must be a quantity greater than zero`);
  const milli = parseQuantity(amount).milli;
  return String((milli + divisor - 1n) / divisor);
}
