/**
 * Pods pinned to a node at creation (spec.nodeName, so a running scheduler never races to bind them), and
 * waiting on a pod with its last status in the failure.
 */
import type { Pod, PodSpec } from '../../api/types/core.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import { waitFor } from './wait.js';

export async function createBoundPod(pods: ResourceClient<Pod>, node: string, pod: { name: string; namespace: string; labels?: Record<string, string>; spec: PodSpec }): Promise<Pod> {
  const { name, namespace, labels, spec } = pod;
  return pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { ...spec, nodeName: node } });
}

/** Polls the pod until `check` holds; the error names `what` and the last status seen. */
export async function podWhere(pods: ResourceClient<Pod>, name: string, namespace: string, what: string, check: (pod: Pod) => boolean, timeoutMs = 30_000): Promise<Pod> {
  let last: Pod | undefined;
  try {
    return await waitFor(`${name}: ${what}`, async () => {
      last = await pods.get(name, namespace);
      return check(last) ? last : undefined;
    }, timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last status: ${JSON.stringify(last?.status)}`);
  }
}
