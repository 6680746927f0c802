/**
 * A stand-in for node agents in controller tests: registers its node Ready and keeps its Lease renewed (as an
 * agent does: the node lifecycle controller and the pod GC treat pods of silent or unknown nodes as lost),
 * binds matching pods to it, reports them
 * Running and (after `readyDelayMs`) Ready, and confirms deletions after `terminationDelayMs`, so pods
 * linger while terminating as they do on a real node. Pods whose first image matches `neverReady` run
 * but never become Ready.
 */
import { ApiError } from '../../api/errors.js';
import type { Node, Pod } from '../../api/types/core.js';
import { NodeLeases } from '../../agent/node/lease.js';
import { HEALTHY } from '../../agent/node/node-object.js';
import { postNodeHealth } from '../../agent/node/node-status.js';
import type { ApiClient } from '../../control/client/client.js';
import { Informer } from '../../control/client/informer.js';
import { ControllerLoop, type Reconciler } from '../../control/controllers/controller.js';

export interface FakeKubeletOptions {
  nodeName: string;
  labelSelector: string;
  readyDelayMs?: number;
  terminationDelayMs?: number;
  neverReady?: RegExp;
}

export class FakeKubelet implements Reconciler {
  private readonly informer: Informer<Pod>;
  private readonly loop: ControllerLoop<Pod>;
  private readonly leases: NodeLeases;
  private nextIp = 1;

  constructor(private readonly client: ApiClient, private readonly opts: FakeKubeletOptions) {
    this.informer = new Informer(client.resource<Pod>('pods'), { labelSelector: opts.labelSelector });
    this.loop = new ControllerLoop(this.informer, this, { name: 'fake-kubelet', workers: 4 });
    this.leases = new NodeLeases(client);
  }

  async start(): Promise<void> {
    const nodes = this.client.resource<Node>('nodes');
    await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: this.opts.nodeName } }).catch((err: unknown) => {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
    });
    await postNodeHealth(nodes, this.opts.nodeName, HEALTHY, new Date());
    this.leases.add(this.opts.nodeName);
    this.leases.start();
    await this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.leases.stop();
  }

  async reconcile(key: string): Promise<number | undefined> {
    const pod = this.informer.get(key);
    if (!pod) return undefined;
    const pods = this.client.resource<Pod>('pods');
    const { name, namespace } = pod.metadata;
    if (pod.metadata.deletionTimestamp) {
      const wait = Date.parse(pod.metadata.deletionTimestamp) - ((pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000) + (this.opts.terminationDelayMs ?? 0) - Date.now();
      if (wait > 0) return wait;
      await pods.delete(name!, namespace, { gracePeriodSeconds: 0 }).catch(ignoreNotFound);
      return undefined;
    }
    if (!pod.spec.nodeName) {
      await pods.createSubresource(name!, namespace, 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: this.opts.nodeName } }).catch(ignoreNotFound);
      return undefined;
    }
    if (pod.status?.phase === 'Running') return undefined;
    const wait = Date.parse(pod.metadata.creationTimestamp ?? '') + (this.opts.readyDelayMs ?? 0) - Date.now();
    if (wait > 0) return wait;
    const ready = !this.opts.neverReady?.test(pod.spec.containers[0]?.image ?? '');
    const now = new Date().toISOString();
    const status = ready ? 'True' : 'False';
    await pods.updateStatus({
      ...pod,
      status: {
        phase: 'Running', hostIP: '127.0.0.1', podIP: `10.250.${this.nextIp >> 8 & 255}.${this.nextIp++ & 255}`, startTime: now,
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status, lastTransitionTime: now },
          { type: 'Ready', status, lastTransitionTime: now },
        ],
        containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready, restartCount: 0, started: true, state: { running: { startedAt: now } } })),
      },
    }).catch(ignoreNotFound);
    return undefined;
  }
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof ApiError && err.code === 404)) throw err;
}
