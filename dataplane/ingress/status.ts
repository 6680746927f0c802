/** Publishes the proxy's address in `status.loadBalancer.ingress` of every Ingress it serves. */
import { ApiError } from '../../api/errors.js';
import type { Ingress, IngressLoadBalancerIngress } from '../../api/types/networking.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import type { Informer } from '../../control/client/informer.js';
import type { Reconciler } from '../../control/controllers/controller.js';
import { ipFamily } from '../../api/kinds/net.js';
import { semanticEqual } from '../../api/kinds/util.js';

/** The status entry for an address: an IP goes in `ip`, anything else is a DNS name in `hostname`. */
export function loadBalancerEntry(address: string): IngressLoadBalancerIngress {
  return ipFamily(address) ? { ip: address } : { hostname: address };
}

/** Level-triggered: writes the status only when it differs; a conflict retries on the newer version. */
export class StatusPublisher implements Reconciler {
  constructor(
    private readonly informer: Informer<Ingress>,
    private readonly ingresses: ResourceClient<Ingress>,
    private readonly address: string,
    private readonly serves: (ing: Ingress) => boolean,
  ) {}

  async reconcile(key: string): Promise<undefined> {
    const ing = this.informer.get(key);
    if (!ing || !this.serves(ing) || ing.metadata.deletionTimestamp) return undefined;
    const want = [loadBalancerEntry(this.address)];
    if (semanticEqual(ing.status?.loadBalancer?.ingress, want)) return undefined;
    try {
      await this.ingresses.updateStatus({ ...ing, status: { ...ing.status, loadBalancer: { ingress: want } } });
    } catch (err) {
      // Gone or changed meanwhile: the informer's next event brings the current object back here.
      if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return undefined;
      throw err;
    }
    return undefined;
  }
}
