import { resourceTypes } from '../../api/catalog.js';
import type { ApiClient } from '../client/client.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { DisruptionController } from './disruption/disruption-controller.js';
import { EndpointsController } from './endpoints/endpoints-controller.js';
import { GarbageCollector } from './garbagecollector/garbage-collector.js';
import { NamespaceController } from './namespace/namespace-controller.js';
import { NodeIpamController } from './nodeipam/node-ipam-controller.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle/node-lifecycle-controller.js';
import { PodGCController, type PodGCOptions } from './podgc/pod-gc-controller.js';
import { ReplicaSetController } from './replicaset/replicaset-controller.js';

export interface ControllerOptions {
  /** The range node pod CIDRs are cut from (default 10.244.0.0/16). */
  clusterCIDR?: string;
  /** Prefix length of each node's pod CIDR (default 24). */
  nodeCIDRMaskSize?: number;
  /** Grace period, eviction rates and zone thresholds of the node lifecycle controller. */
  nodeLifecycle?: NodeLifecycleOptions;
  /** Terminated-pod threshold, period and node quarantine of the pod garbage collector. */
  podGC?: PodGCOptions;
}

/** The controllers `cairn up` and `cairn controllers` run, started and stopped together. */
export async function startControllers(client: ApiClient, log?: (msg: string, fields?: Record<string, unknown>) => void, options: ControllerOptions = {}): Promise<{ stop(): Promise<void> }> {
  const controllers = [
    new NamespaceController(client, resourceTypes.filter((t) => t.namespaced), log),
    new EndpointsController(client, log),
    new NodeIpamController(client, { ...options, log }),
    new NodeLifecycleController(client, { ...options.nodeLifecycle, log }),
    new DisruptionController(client, { log }),
    new GarbageCollector(client, resourceTypes, { log }),
    new PodGCController(client, { ...options.podGC, log }),
    new ReplicaSetController(client, { log }),
    new DeploymentController(client, { log }),
  ];
  for (const c of controllers) await c.start();
  return { stop: async () => { await Promise.all(controllers.map((c) => c.stop())); } };
}
