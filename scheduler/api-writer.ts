/**
 * The scheduler's writes through the registry: binds, unschedulable conditions, nominations and evictions.
 * Condition changes are strategic-merge patches keyed by condition type, so they never clobber conditions
 * another component (the node agent) writes at the same time.
 */
import { ApiError } from '../api/errors.js';
import type { Condition, Pod } from '../api/types/core.js';
import type { ApiClient } from '../control/client/client.js';
import type { EventRecorder } from '../control/client/event-recorder.js';
import type { ResourceClient } from '../control/client/resource-client.js';
import type { SchedulerApi } from './framework/types.js';

const STRATEGIC = 'application/strategic-merge-patch+json';

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export class ApiWriter implements SchedulerApi {
  private readonly pods: ResourceClient<Pod>;

  constructor(client: ApiClient, private readonly events: EventRecorder, private readonly schedulerName: string) {
    this.pods = client.resource<Pod>('pods');
  }

  async bind(pod: Pod, nodeName: string): Promise<void> {
    const { name, namespace } = pod.metadata;
    await this.pods.createSubresource(name!, namespace, 'binding', {
      apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid: pod.metadata.uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    });
  }

  /** `PodScheduled=False, reason Unschedulable` with the fit message, written only when the message changed. */
  async reportUnschedulable(pod: Pod, message: string): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.message === message) return;
    const condition: Condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: now() };
    await this.patchStatus(pod, { conditions: [condition] });
  }

  async nominate(pod: Pod, nodeName: string | undefined): Promise<void> {
    await this.patchStatus(pod, { nominatedNodeName: nodeName ?? null });
  }

  async evict(victim: Pod, preemptor: Pod, nodeName: string): Promise<void> {
    const message = `${this.schedulerName}: preempting to accommodate a higher priority pod`;
    const condition: Condition = { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message, lastTransitionTime: now() };
    try {
      await this.patchStatus(victim, { conditions: [condition] });
      this.events.record(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.namespace}/${preemptor.metadata.name} (${preemptor.metadata.uid}) on node ${nodeName}`);
      await this.pods.delete(victim.metadata.name!, victim.metadata.namespace);
    } catch (err) {
      // A victim already gone is the outcome preemption wanted.
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }

  private async patchStatus(pod: Pod, status: Record<string, unknown>): Promise<void> {
    await this.pods.patch(pod.metadata.name!, { status }, STRATEGIC, pod.metadata.namespace, 'status');
  }
}
