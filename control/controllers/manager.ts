import { resourceTypes } from '../../api/catalog.js';
import type { ApiClient } from '../client/client.js';
import { NamespaceController } from './namespace/namespace-controller.js';

/** The controllers `cairn up` and `cairn controllers` run, started and stopped together. */
export async function startControllers(client: ApiClient, log?: (msg: string, fields?: Record<string, unknown>) => void): Promise<{ stop(): Promise<void> }> {
  const controllers = [new NamespaceController(client, resourceTypes.filter((t) => t.namespaced), log)];
  for (const c of controllers) await c.start();
  return { stop: async () => { await Promise.all(controllers.map((c) => c.stop())); } };
}
