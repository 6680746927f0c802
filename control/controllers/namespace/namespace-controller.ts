import { ApiError } from '../../../api/errors.js';
import type { ApiObject } from '../../../api/meta.js';
import type { ResourceType } from '../../../api/resources.js';
import type { Namespace } from '../../../api/types/core.js';
import type { ApiClient } from '../../client/client.js';
import { Informer } from '../../client/informer.js';
import { ControllerLoop, type Reconciler } from '../controller.js';

/** The finalizer the registry puts on every namespace; this controller removes it once the namespace is empty. */
export const NAMESPACE_FINALIZER = 'kubernetes';
/** How soon to look again at a namespace whose contents are still being deleted. */
const RECHECK_MS = 1000;

export interface NamespaceCleanup {
  /** Objects still present, to be deleted. */
  remaining: { type: ResourceType; name: string }[];
  /** The namespace is empty: its finalizer can go. */
  finalize: boolean;
}

/** Pure plan: delete whatever is left (not already being deleted); finalize once nothing is left. */
export function planCleanup(contents: { type: ResourceType; objects: ApiObject[] }[]): NamespaceCleanup {
  const remaining: NamespaceCleanup['remaining'] = [];
  let present = 0;
  for (const { type, objects } of contents) {
    present += objects.length;
    for (const obj of objects) if (!obj.metadata.deletionTimestamp) remaining.push({ type, name: obj.metadata.name! });
  }
  return { remaining, finalize: present === 0 };
}

/**
 * Deletes the contents of a Terminating namespace, then removes its `kubernetes` finalizer so the
 * registry deletes the namespace itself, as kube-controller-manager's namespace controller does.
 */
export class NamespaceController implements Reconciler {
  private readonly loop: ControllerLoop<Namespace>;
  private readonly informer: Informer<Namespace>;

  constructor(private readonly client: ApiClient, private readonly namespacedTypes: ResourceType[], log?: (msg: string, fields?: Record<string, unknown>) => void) {
    this.informer = new Informer(client.resource<Namespace>('namespaces'));
    this.loop = new ControllerLoop(this.informer, this, { name: 'namespace-controller', log });
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async reconcile(name: string): Promise<number | undefined> {
    const ns = this.informer.get(name);
    if (!ns?.metadata.deletionTimestamp) return undefined;
    const contents = await Promise.all(this.namespacedTypes.map(async (type) => ({ type, objects: (await this.client.resource(type).list({ namespace: name })).items })));
    const plan = planCleanup(contents);
    for (const { type, name: objName } of plan.remaining) {
      try {
        await this.client.resource(type).delete(objName, name);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    if (!plan.finalize) return RECHECK_MS;
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== NAMESPACE_FINALIZER);
    try {
      await this.client.transport.json('PUT', `${this.client.resource('namespaces').path(undefined, name, 'finalize')}`, { ...ns, spec: { ...ns.spec, finalizers } });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
    return undefined;
  }
}
