import { resourceTypes, findResource } from '../../api/catalog.js';
import type { ApiObject } from '../../api/meta.js';
import { loadKubeconfig, type ClientConfig } from './config.js';
import { ResourceClient, type ResourceRef } from './resource-client.js';
import { Transport } from './transport.js';

/** The typed API client every Cairn component uses; nothing outside the registry talks to etcd. */
export class ApiClient {
  readonly transport: Transport;

  constructor(readonly config: ClientConfig) {
    this.transport = new Transport(config);
  }

  static async fromKubeconfig(path: string, context?: string): Promise<ApiClient> {
    return new ApiClient(await loadKubeconfig(path, context));
  }

  resource<T extends ApiObject = ApiObject>(ref: ResourceRef | string): ResourceClient<T> {
    const resolved = typeof ref === 'string' ? findResource(ref) : ref;
    if (!resolved) throw new Error(`unknown resource type "${String(ref)}": known types are ${resourceTypes.map((r) => r.plural).join(', ')}`);
    return new ResourceClient<T>(this.transport, resolved);
  }

  close(): void {
    this.transport.close();
  }
}
