/**
 * The API changes whose convergence the xDS benchmark measures, one kind per entry: what to create before the
 * clients connect, and for the i-th change the API write and the target every client must reach. Kinds pick
 * disjoint services (endpoints: svc-i; service: from the end; trafficroute: from the middle), so they can run
 * in any order in one world.
 */
import type { Endpoints, Service } from '../../api/types/core.js';
import { MESH_API_VERSION, type TrafficRoute } from '../../api/types/mesh.js';
import type { ApiClient } from '../../control/client/client.js';
import { ENDPOINT_TYPE, ROUTE_TYPE } from '../../control/xds-server/protos.js';
import { resourceName } from '../../control/xds-server/naming.js';
import type { Target } from './ads-client.js';

export interface World {
  client: ApiClient;
  namespace: string;
  services: number;
  zone: string;
  /** TrafficRoute: what the compiled 80/20 route's JSON (as decoded by the client) contains. */
  routeMarker: string;
}

export interface ChangeKind {
  /** Creates what the changes need; `total` changes will follow. Runs before any client connects. */
  setup(world: World, total: number): Promise<void>;
  change(world: World, i: number): { target: Target; write: () => Promise<void> };
  /** The most changes the world allows. */
  limit(world: World): number;
}

export const svcName = (i: number): string => `svc-${i}`;
const HTTP_PORT = 80;

/** One endpoint added to one Service's Endpoints: its load assignment must carry the new address. */
const endpointsChange: ChangeKind = {
  setup: async () => {},
  limit: (w) => w.services,
  change: (w, i) => {
    const name = svcName(i);
    const ip = `10.250.${i >> 8}.${i & 255}`;
    return {
      target: { typeUrl: ENDPOINT_TYPE, name: resourceName(name, w.namespace, HTTP_PORT, w.zone), marker: `"${ip}"` },
      write: async () => {
        const res = w.client.resource<Endpoints>('endpoints');
        const ep = await res.get(name, w.namespace);
        ep.subsets![0]!.addresses!.push({ ip });
        await res.update(ep);
      },
    };
  },
};

/**
 * A port added to a Service: a new listener, route, cluster and load assignment, so a client walks the whole
 * chain (LDS → RDS → CDS → EDS) before it holds the target, the new port's load assignment.
 */
const serviceChange: ChangeKind = {
  setup: async () => {},
  limit: (w) => Math.floor(w.services / 4),
  change: (w, i) => {
    const name = svcName(w.services - 1 - i);
    const port = 81;
    return {
      target: { typeUrl: ENDPOINT_TYPE, name: resourceName(name, w.namespace, port, w.zone), marker: '' },
      write: async () => {
        const res = w.client.resource<Service>('services');
        const svc = await res.get(name, w.namespace);
        svc.spec.ports!.push({ name: 'extra', port, protocol: 'TCP' });
        await res.update(svc);
      },
    };
  },
};

/** A TrafficRoute for svc-(S/2+i) moving from 100/0 to 80/20 between itself and svc-(S/4+i): its route config changes. */
const trafficRouteChange: ChangeKind = {
  limit: (w) => Math.floor(w.services / 4),
  setup: async (w, total) => {
    const res = w.client.resource<TrafficRoute>('trafficroutes');
    for (let i = 0; i < total; i++) await res.create(trafficRoute(w, i, 100));
  },
  change: (w, i) => ({
    target: { typeUrl: ROUTE_TYPE, name: resourceName(svcName(Math.floor(w.services / 2) + i), w.namespace, HTTP_PORT, w.zone), marker: w.routeMarker },
    write: async () => {
      const res = w.client.resource<TrafficRoute>('trafficroutes');
      const tr = await res.get(`bench-route-${i}`, w.namespace);
      await res.update({ ...tr, spec: trafficRoute(w, i, 80).spec });
    },
  }),
};

function trafficRoute(w: World, i: number, primary: number): TrafficRoute {
  return {
    apiVersion: MESH_API_VERSION, kind: 'TrafficRoute',
    metadata: { name: `bench-route-${i}`, namespace: w.namespace },
    spec: {
      service: svcName(Math.floor(w.services / 2) + i),
      rules: [{ backends: [{ service: svcName(Math.floor(w.services / 2) + i), weight: primary }, { service: svcName(Math.floor(w.services / 4) + i), weight: 100 - primary }] }],
    },
  };
}

export const CHANGE_KINDS: Record<string, ChangeKind> = { endpoints: endpointsChange, service: serviceChange, trafficroute: trafficRouteChange };
