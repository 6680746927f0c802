import { isDeepStrictEqual } from 'node:util';
import { ApiError } from '../../../api/errors.js';
import { semanticEqual } from '../../../api/kinds/util.js';
import type { Endpoints, Pod, Service } from '../../../api/types/core.js';
import type { ApiClient } from '../../client/client.js';
import { Informer, objectKey } from '../../client/informer.js';
import { ControllerLoop, type Reconciler } from '../controller.js';
import { computeSubsets, endpointsLabels, hasSelector, isPodReady, selectorMatches } from './subsets.js';

/** Pods by each `namespace/key=value` label they carry. */
const POD_LABEL_INDEX = 'label';
/** Services by the first (sorted) term of their selector: a pod can only match services whose first term it carries. */
const SERVICE_SELECTOR_INDEX = 'selector';

const term = (namespace: string | undefined, key: string, value: string): string => `${namespace ?? ''}/${key}=${value}`;

function firstSelectorTerm(svc: Service): string | undefined {
  const keys = Object.keys(svc.spec.selector ?? {}).sort();
  return keys.length ? term(svc.metadata.namespace, keys[0]!, svc.spec.selector![keys[0]!]!) : undefined;
}

/** What about a pod its endpoints depend on, besides its labels; a pod update that changes none of it is ignored. */
function servingState(pod: Pod): unknown[] {
  const { podIP, phase } = pod.status ?? {};
  const { nodeName, hostname, subdomain, containers } = pod.spec;
  return [podIP, phase, isPodReady(pod), !!pod.metadata.deletionTimestamp, nodeName, hostname, subdomain, containers.map((c) => c.ports)];
}

/**
 * kube-controller-manager's endpoints controller: keeps, for every Service with a selector, an Endpoints
 * object of the same name listing its matching pods (see computeSubsets). Reads only informer caches and
 * writes only when the content differs, so a steady cluster causes no writes. Endpoints of services
 * without a selector are the user's; any service's Endpoints go when the service is deleted.
 */
export class EndpointsController implements Reconciler {
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly loop: ControllerLoop<Service>;

  constructor(private readonly client: ApiClient, log?: (msg: string, fields?: Record<string, unknown>) => void) {
    this.services = new Informer(client.resource<Service>('services'));
    this.services.addIndexer(SERVICE_SELECTOR_INDEX, (svc) => {
      const first = firstSelectorTerm(svc);
      return first ? [first] : [];
    });
    this.pods = new Informer(client.resource<Pod>('pods'));
    this.pods.addIndexer(POD_LABEL_INDEX, (pod) => Object.entries(pod.metadata.labels ?? {}).map(([k, v]) => term(pod.metadata.namespace, k, v)));
    this.endpoints = new Informer(client.resource<Endpoints>('endpoints'));
    this.loop = new ControllerLoop(this.services, this, { name: 'endpoints-controller', log });

    this.pods.on('add', (pod) => this.enqueueServicesOf(pod));
    this.pods.on('delete', (pod) => this.enqueueServicesOf(pod));
    this.pods.on('update', (old, pod) => {
      const relabelled = !isDeepStrictEqual(old.metadata.labels ?? {}, pod.metadata.labels ?? {});
      if (relabelled) this.enqueueServicesOf(old);
      if (relabelled || !isDeepStrictEqual(servingState(old), servingState(pod))) this.enqueueServicesOf(pod);
    });
    // Someone else changed or deleted a managed Endpoints: put it back.
    const resync = (ep: Endpoints): void => {
      const svc = this.services.get(objectKey(ep));
      if (svc && hasSelector(svc)) this.loop.enqueue(objectKey(svc));
    };
    this.endpoints.on('update', (_old, ep) => resync(ep));
    this.endpoints.on('delete', resync);
  }

  async start(): Promise<void> {
    await Promise.all([this.pods.start(), this.endpoints.start()]);
    await this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all([this.pods.stop(), this.endpoints.stop()]);
  }

  private enqueueServicesOf(pod: Pod): void {
    const labels = pod.metadata.labels ?? {};
    for (const [k, v] of Object.entries(labels)) {
      for (const svc of this.services.byIndex(SERVICE_SELECTOR_INDEX, term(pod.metadata.namespace, k, v))) {
        if (selectorMatches(svc.spec.selector, labels)) this.loop.enqueue(objectKey(svc));
      }
    }
  }

  async reconcile(key: string): Promise<number | undefined> {
    const [namespace, name] = key.split('/') as [string, string];
    const svc = this.services.get(key);
    if (!svc) {
      await this.client.resource<Endpoints>('endpoints').delete(name, namespace).catch(ignoreNotFound);
      return undefined;
    }
    if (!hasSelector(svc)) return undefined;
    const subsets = computeSubsets(svc, this.pods.byIndex(POD_LABEL_INDEX, firstSelectorTerm(svc)!));
    const labels = endpointsLabels(svc);
    const current = this.endpoints.get(key);
    const endpoints = this.client.resource<Endpoints>('endpoints');
    if (!current) {
      await endpoints.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets });
    } else if (!semanticEqual(current.subsets, subsets) || !isDeepStrictEqual(current.metadata.labels ?? {}, labels)) {
      // Carries the cached resourceVersion: a stale cache ends in a conflict and a retry, never in a lost write.
      await endpoints.update({ ...current, metadata: { ...current.metadata, labels }, subsets });
    }
    return undefined;
  }
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof ApiError && err.code === 404)) throw err;
}
