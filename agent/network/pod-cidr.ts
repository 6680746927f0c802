/** Waiting for the node IPAM controller to give this node its podCIDR. */
import type { ApiClient } from '../../control/client/client.js';
import { Informer } from '../../control/client/informer.js';
import type { Node } from '../../api/types/core.js';

/** Resolves with the Node's podCIDR as soon as it has one; rejects when `signal` aborts. */
export async function waitForPodCIDR(client: ApiClient, nodeName: string, signal: AbortSignal): Promise<string> {
  const informer = new Informer(client.resource<Node>('nodes'), { fieldSelector: `metadata.name=${nodeName}` });
  try {
    return await new Promise<string>((resolve, reject) => {
      const check = (node: Node): void => { if (node.spec?.podCIDR) resolve(node.spec.podCIDR); };
      informer.on('add', check);
      informer.on('update', (_old, node) => check(node));
      signal.addEventListener('abort', () => reject(new Error('stopped while waiting for the podCIDR')), { once: true });
      informer.start().catch(reject);
    });
  } finally {
    await informer.stop();
  }
}
