/**
 * The objects the xDS snapshot is built from (Services, Endpoints, Pod labels and the mesh policy kinds), indexed for
 * the builders, and the rule saying which Services' resources an object change touches.
 *
 * Ownership (what a Service's build contains, hence what must be rebuilt): Service S owns its listeners and routes
 * (from S and the TrafficRoute for S, plus the DestinationPolicies of the route's backends for hash policies), its
 * clusters and load assignments, the subset clusters any TrafficRoute of its namespace asks of S (from S's Endpoints
 * and their pods' labels, S's DestinationPolicy, and the retry budgets of the routes naming S), and its inbound
 * authorization (MeshAuthorizations for S and the namespace default).
 */
import type { Endpoints, Pod, Service } from '../../api/types/core.js';
import type { DestinationPolicy, MeshAction, MeshAuthorization, TrafficRoute } from '../../api/types/mesh.js';
import { objectKey } from '../client/informer.js';

/** What the pure builders read; `MeshStore` is the one implementation, tests fill one directly. */
export interface MeshInputs {
  service(namespace: string, name: string): Service | undefined;
  endpoints(namespace: string, name: string): Endpoints | undefined;
  podLabels(namespace: string, name: string): Record<string, string> | undefined;
  /** The TrafficRoute in effect for a Service: the oldest one (then by name) when several name it. */
  trafficRoute(namespace: string, service: string): TrafficRoute | undefined;
  /** TrafficRoutes with a backend or mirror naming `service`. */
  routesTo(namespace: string, service: string): TrafficRoute[];
  /** The DestinationPolicy in effect for a Service (oldest, then by name). */
  destinationPolicy(namespace: string, service: string): DestinationPolicy | undefined;
  /** The per-Service MeshAuthorizations (`destination` form) for `service`. */
  authorizations(namespace: string, service: string): MeshAuthorization[];
  /** The namespace's default for calls no policy covers: Deny if any default says so, Allow when none is set. */
  namespaceDefault(namespace: string): MeshAction;
}

export type MeshKind = 'Service' | 'Endpoints' | 'Pod' | 'TrafficRoute' | 'DestinationPolicy' | 'MeshAuthorization';
export interface MeshObjects { Service: Service; Endpoints: Endpoints; Pod: Pod; TrafficRoute: TrafficRoute; DestinationPolicy: DestinationPolicy; MeshAuthorization: MeshAuthorization }

const ns = (o: { metadata: { namespace?: string } }): string => o.metadata.namespace ?? 'default';
const key = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Oldest first, then by name: the deterministic winner when several policies name one Service. */
function oldest<T extends { metadata: { creationTimestamp?: string; name?: string } }>(items: T[]): T | undefined {
  return items.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')
    || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))[0];
}

/** The Services a TrafficRoute's rules send traffic to (backends and mirrors). */
export function routeBackendServices(route: TrafficRoute): Set<string> {
  return new Set(route.spec.rules.flatMap((r) => [...r.backends.map((b) => b.service), ...(r.mirror ? [r.mirror.service] : [])]));
}

/** Objects of one kind by namespace, then by name. */
class ByNamespace<T extends { metadata: { namespace?: string; name?: string } }> {
  private readonly byNs = new Map<string, Map<string, T>>();
  get(namespace: string, name: string): T | undefined {
    return this.byNs.get(namespace)?.get(name);
  }
  in(namespace: string): T[] {
    return [...(this.byNs.get(namespace)?.values() ?? [])];
  }
  all(): T[] {
    return [...this.byNs.values()].flatMap((m) => [...m.values()]);
  }
  /** Stores `obj` (or deletes it when `present` is false) and returns the previous value. */
  put(obj: T, present: boolean): T | undefined {
    const n = ns(obj);
    const map = this.byNs.get(n) ?? new Map<string, T>();
    this.byNs.set(n, map);
    const old = map.get(obj.metadata.name ?? '');
    if (present) map.set(obj.metadata.name ?? '', obj);
    else map.delete(obj.metadata.name ?? '');
    return old;
  }
}

export class MeshStore implements MeshInputs {
  private readonly services = new ByNamespace<Service>();
  private readonly endpointsStore = new ByNamespace<Endpoints>();
  private readonly pods = new Map<string, Record<string, string>>();
  /** Pod key → the Services whose Endpoints list the pod (a label change rebuilds them). */
  private readonly podServices = new Map<string, Set<string>>();
  private readonly routes = new ByNamespace<TrafficRoute>();
  private readonly policies = new ByNamespace<DestinationPolicy>();
  private readonly authz = new ByNamespace<MeshAuthorization>();

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(namespace, name);
  }
  allServices(): Service[] {
    return this.services.all();
  }
  endpoints(namespace: string, name: string): Endpoints | undefined {
    return this.endpointsStore.get(namespace, name);
  }
  podLabels(namespace: string, name: string): Record<string, string> | undefined {
    return this.pods.get(key(namespace, name));
  }
  trafficRoute(namespace: string, service: string): TrafficRoute | undefined {
    return oldest(this.routes.in(namespace).filter((r) => r.spec.service === service));
  }
  routesTo(namespace: string, service: string): TrafficRoute[] {
    return this.routes.in(namespace).filter((r) => routeBackendServices(r).has(service));
  }
  destinationPolicy(namespace: string, service: string): DestinationPolicy | undefined {
    return oldest(this.policies.in(namespace).filter((p) => p.spec.service === service));
  }
  authorizations(namespace: string, service: string): MeshAuthorization[] {
    return this.authz.in(namespace).filter((a) => a.spec.destination?.service === service);
  }
  namespaceDefault(namespace: string): MeshAction {
    return this.authz.in(namespace).some((a) => a.spec.default === 'Deny') ? 'Deny' : 'Allow';
  }

  /**
   * Records an added/updated (`present`) or deleted object and returns the keys (`namespace/name`) of the Services
   * whose resources may have changed, judged from both the old and the new object.
   */
  apply<K extends MeshKind>(kind: K, obj: MeshObjects[K], present: boolean): Set<string> {
    const n = ns(obj);
    const touched = new Set<string>();
    const routeOwnersNaming = (service: string): void => {
      for (const r of this.routesTo(n, service)) touched.add(key(n, r.spec.service));
    };
    switch (kind) {
      case 'Service': {
        this.services.put(obj as Service, present);
        touched.add(objectKey(obj));
        routeOwnersNaming(obj.metadata.name ?? ''); // their routes resolve this Service's ports
        break;
      }
      case 'Endpoints': {
        const old = this.endpointsStore.put(obj as Endpoints, present);
        this.indexPods(old, false);
        if (present) this.indexPods(obj as Endpoints, true);
        touched.add(objectKey(obj));
        break;
      }
      case 'Pod': {
        const labels = present ? (obj as Pod).metadata.labels ?? {} : undefined;
        const podKey = objectKey(obj);
        if (JSON.stringify(labels) === JSON.stringify(this.pods.get(podKey))) break;
        if (labels) this.pods.set(podKey, labels);
        else this.pods.delete(podKey);
        for (const s of this.podServices.get(podKey) ?? []) touched.add(s);
        break;
      }
      case 'TrafficRoute': {
        const old = this.routes.put(obj as TrafficRoute, present);
        for (const r of [old, obj as TrafficRoute]) {
          if (!r) continue;
          touched.add(key(n, r.spec.service));
          for (const b of routeBackendServices(r)) touched.add(key(n, b));
        }
        break;
      }
      case 'DestinationPolicy': {
        const old = this.policies.put(obj as DestinationPolicy, present);
        for (const p of [old, obj as DestinationPolicy]) {
          if (!p) continue;
          touched.add(key(n, p.spec.service));
          routeOwnersNaming(p.spec.service); // their routes carry its hash policy
        }
        break;
      }
      case 'MeshAuthorization': {
        const old = this.authz.put(obj as MeshAuthorization, present);
        for (const a of [old, obj as MeshAuthorization]) {
          if (a?.spec.destination) touched.add(key(n, a.spec.destination.service));
          else if (a) for (const s of this.services.in(n)) touched.add(objectKey(s));
        }
        break;
      }
    }
    return touched;
  }

  private indexPods(endpoints: Endpoints | undefined, add: boolean): void {
    if (!endpoints) return;
    const service = objectKey(endpoints);
    for (const subset of endpoints.subsets ?? []) {
      for (const a of [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])]) {
        if (a.targetRef?.kind !== 'Pod' || !a.targetRef.name) continue;
        const podKey = key(a.targetRef.namespace ?? ns(endpoints), a.targetRef.name);
        const set = this.podServices.get(podKey) ?? new Set<string>();
        if (add) set.add(service);
        else set.delete(service);
        if (set.size) this.podServices.set(podKey, set);
        else this.podServices.delete(podKey);
      }
    }
  }
}
