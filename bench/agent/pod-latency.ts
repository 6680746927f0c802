/**
 * Create→Running latency of bench pods, observed through a watch: a pod counts as running when its phase is
 * Running and its Ready condition is True. Pods are bound with the binding subresource (no scheduler).
 */
import type { ApiClient } from '../../control/client/client.js';
import { Informer } from '../../control/client/informer.js';
import type { Pod } from '../../api/types/core.js';

const isRunning = (p: Pod): boolean => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

export class PodLatency {
  private readonly informer: Informer<Pod>;
  private readonly created = new Map<string, number>();
  private readonly waiters = new Map<string, (ms: number) => void>();
  readonly running = new Set<string>();

  constructor(private readonly client: ApiClient, private readonly label: string, private readonly nodeName: string, private readonly image: string) {
    this.informer = new Informer(client.resource<Pod>('pods'), { namespace: 'default', labelSelector: `bench=${label}` });
    const seen = (pod: Pod): void => {
      const name = pod.metadata.name!;
      if (!isRunning(pod) || this.running.has(name)) return;
      this.running.add(name);
      this.waiters.get(name)?.(performance.now() - this.created.get(name)!);
    };
    this.informer.on('add', seen);
    this.informer.on('update', (_old, pod) => seen(pod));
  }

  start(): Promise<void> {
    return this.informer.start();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** Creates and binds the pod; resolves with ms from the create call to the watch showing it Running and Ready. */
  async run(name: string, timeoutMs = 60_000): Promise<number> {
    const pods = this.client.resource<Pod>('pods');
    const done = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not running after ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(name, (ms) => { clearTimeout(timer); resolve(ms); });
    });
    this.created.set(name, performance.now());
    await pods.create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { bench: this.label } },
      spec: {
        terminationGracePeriodSeconds: 5,
        // sh as pid 1 ignores SIGTERM without a trap: exit at once so teardown does not wait out the grace period.
        containers: [{ name: 'main', image: this.image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'] }],
      },
    });
    await pods.createSubresource(name, 'default', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: this.nodeName } });
    return done;
  }

  /** Deletes every bench pod and waits until the agent has confirmed them all gone. */
  async deleteAll(timeoutMs = 120_000): Promise<void> {
    const pods = this.client.resource<Pod>('pods');
    await Promise.all(this.informer.list().map((p) => pods.delete(p.metadata.name!, 'default').catch(() => undefined)));
    const deadline = Date.now() + timeoutMs;
    while (this.informer.list().length) {
      if (Date.now() > deadline) throw new Error(`${this.informer.list().length} bench pods still exist after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
    this.running.clear();
  }
}
