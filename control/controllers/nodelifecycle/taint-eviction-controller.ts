import { ApiError } from '../../../api/errors.js';
import type { Node, Pod, Taint } from '../../../api/types/core.js';
import type { ApiClient } from '../../client/client.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { Informer, objectKey } from '../../client/informer.js';
import { ControllerLoop, type Reconciler } from '../controller.js';
import { evictionDecision, isEvictable } from './eviction-time.js';

export const REASON_TAINT_EVICTION = 'TaintManagerEviction';
export const POD_NODE_INDEX = 'nodeName';

const noExecuteTaints = (node: Node | undefined): string =>
  JSON.stringify((node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute'));

/**
 * kube's TaintEvictionController: a pod on a node with NoExecute taints it does not tolerate is deleted at once;
 * one that tolerates them for tolerationSeconds is deleted when that time is up (looked at again then, so a
 * taint removed meanwhile cancels it). Deletion is the ordinary graceful one; a ReplicaSet replaces the pod as
 * soon as it carries a deletionTimestamp, even while its unreachable node cannot confirm the kill.
 */
export class TaintEvictionController implements Reconciler {
  private readonly loop: ControllerLoop<Pod>;
  /**
   * When this controller first saw each NoExecute taint that carries no timeAdded (added through the API rather
   * than by the node lifecycle controller), per node: without it, every look would start the clock again.
   */
  private readonly firstSeen = new Map<string, Map<string, number>>();

  constructor(
    private readonly client: ApiClient,
    private readonly pods: Informer<Pod>,
    private readonly nodes: Informer<Node>,
    private readonly recorder: EventRecorder,
    private readonly now: () => number,
    log?: (msg: string, fields?: Record<string, unknown>) => void,
  ) {
    this.loop = new ControllerLoop(pods, this, { name: 'taint-eviction-controller', log, workers: 4 });
    nodes.on('add', (node) => {
      this.noteTaints(node);
      if (noExecuteTaints(node) !== '[]') this.enqueuePodsOf(node);
    });
    nodes.on('update', (old, node) => {
      this.noteTaints(node);
      if (noExecuteTaints(old) !== noExecuteTaints(node)) this.enqueuePodsOf(node);
    });
    nodes.on('delete', (node) => this.firstSeen.delete(node.metadata.name!));
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private noteTaints(node: Node): void {
    const before = this.firstSeen.get(node.metadata.name!);
    const after = new Map<string, number>();
    for (const t of node.spec?.taints ?? []) {
      if (t.effect !== 'NoExecute' || t.timeAdded) continue;
      const id = `${t.key}=${t.value ?? ''}`;
      after.set(id, before?.get(id) ?? this.now());
    }
    if (after.size) this.firstSeen.set(node.metadata.name!, after);
    else this.firstSeen.delete(node.metadata.name!);
  }

  /** The node's taints, those without timeAdded dated from when this controller first saw them. */
  private datedTaints(node: Node | undefined): Taint[] | undefined {
    const seen = this.firstSeen.get(node?.metadata.name ?? '');
    return node?.spec?.taints?.map((t) => {
      const first = t.effect === 'NoExecute' && !t.timeAdded ? seen?.get(`${t.key}=${t.value ?? ''}`) : undefined;
      return first === undefined ? t : { ...t, timeAdded: new Date(first).toISOString() };
    });
  }

  private enqueuePodsOf(node: Node): void {
    for (const pod of this.pods.byIndex(POD_NODE_INDEX, node.metadata.name!)) this.loop.enqueue(objectKey(pod));
  }

  async reconcile(key: string): Promise<number | undefined> {
    const pod = this.pods.get(key);
    if (!pod?.spec.nodeName || !isEvictable(pod)) return undefined;
    const node = this.nodes.get(pod.spec.nodeName);
    const now = this.now();
    const decision = evictionDecision(pod.spec.tolerations, this.datedTaints(node), now);
    if (decision.kind === 'never') return undefined;
    if (decision.at > now) return decision.at - now;
    try {
      // Pinned to the uid: a pod re-created under the same name since the cache saw it is not the one to evict.
      await this.client.resource<Pod>('pods').delete(pod.metadata.name!, pod.metadata.namespace, { preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return undefined;
      throw err;
    }
    this.recorder.record({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Normal', REASON_TAINT_EVICTION, `Marking for deletion Pod ${key}`);
    return undefined;
  }
}
