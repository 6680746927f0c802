import { ApiError, Reason, invalid, invalidObject, type FieldError } from '../../../api/errors.js';
import type { ApiObject } from '../../../api/meta.js';
import { needsClusterIP, needsHealthCheckNodePort } from '../../../api/kinds/service-update.js';
import type { Service } from '../../../api/types/core.js';
import type { CompanionWrite, ObjectAllocator } from '../rest/object-allocator.js';
import { ClaimTaken, type Companions, type EtcdStore } from '../storage/etcd-store.js';
import { allocationPrefix } from '../storage/keys.js';
import { AllocationPool } from './allocation-pool.js';
import { IPv4Range } from './ip-range.js';
import { PortRange } from './port-range.js';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';
export const SERVICE_IPS_POOL = 'serviceips';
export const NODE_PORTS_POOL = 'servicenodeports';
export const IP_ALREADY_ALLOCATED = 'provided IP is already allocated';
export const PORT_ALREADY_ALLOCATED = 'provided port is already allocated';

/** Re-picks after another writer took a picked value first. Each one marks that value taken, so only heavy churn exhausts them. */
const MAX_PICK_ATTEMPTS = 16;

export interface ServiceAllocatorOptions {
  /** IPv4 CIDR cluster IPs come from (kube-apiserver --service-cluster-ip-range); default 10.96.0.0/12. */
  serviceCIDR?: string;
  /** `min-max` node ports come from (--service-node-port-range); default 30000-32767. */
  nodePortRange?: string;
}

/** Cluster IPs and node ports an object holds. */
export interface Holdings {
  ips: string[];
  ports: number[];
}

/** What a Service holds: its cluster IPs (not "None") and every node port it names, health check port included. */
export function holdings(svc: Service): Holdings {
  const spec = svc.spec ?? {};
  const ips = needsClusterIP(spec.type) ? [...(spec.clusterIPs ?? []), spec.clusterIP] : [];
  const ports = [...(spec.ports ?? []).map((p) => p.nodePort), spec.healthCheckNodePort];
  return {
    ips: [...new Set(ips.filter((ip): ip is string => typeof ip === 'string' && ip !== '' && ip !== 'None'))],
    ports: [...new Set(ports.filter((n): n is number => typeof n === 'number' && n > 0))],
  };
}

function minus(a: Holdings, b: Holdings): Holdings {
  return { ips: a.ips.filter((ip) => !b.ips.includes(ip)), ports: a.ports.filter((p) => !b.ports.includes(p)) };
}

function allocatesNodePorts(svc: Service): boolean {
  return svc.spec.type === 'NodePort' || (svc.spec.type === 'LoadBalancer' && svc.spec.allocateLoadBalancerNodePorts !== false);
}

function rangeFull(what: string): ApiError {
  return new ApiError(500, Reason.InternalError, `Internal error occurred: failed to allocate a ${what}: range is full`);
}

/**
 * Service cluster IPs and node ports, as kube-apiserver allocates them: an unset value gets a free one, a
 * requested one must be in range and free (422 otherwise), and a value is freed when its Service stops holding it.
 * Single-stack IPv4: ipFamilies defaults to ["IPv4"] and ipFamilyPolicy to SingleStack.
 */
export class ServiceAllocator implements ObjectAllocator {
  readonly ips: AllocationPool<string>;
  readonly ports: AllocationPool<number>;

  constructor(store: EtcdStore, opts: ServiceAllocatorOptions = {}) {
    this.ips = new AllocationPool(IPv4Range.parse(opts.serviceCIDR ?? DEFAULT_SERVICE_CIDR), allocationPrefix(SERVICE_IPS_POOL), store, (s) => s);
    this.ports = new AllocationPool(PortRange.parse(opts.nodePortRange ?? DEFAULT_NODE_PORT_RANGE), allocationPrefix(NODE_PORTS_POOL), store, Number);
  }

  create(obj: ApiObject, write: CompanionWrite): Promise<number> {
    return this.allocate(obj as Service, { ips: [], ports: [] }, write);
  }

  update(next: ApiObject, current: ApiObject, write: CompanionWrite): Promise<number> {
    return this.allocate(next as Service, holdings(current as Service), write);
  }

  async remove(current: ApiObject, write: CompanionWrite): Promise<number> {
    const held = holdings(current as Service);
    const rev = await write({ release: this.keys(held) });
    this.note(held, 'free');
    return rev;
  }

  /** The allocation key's value: who holds it, for operators reading etcd and for repair logs. */
  ownerValue(svc: Service): Buffer {
    return Buffer.from(JSON.stringify({ kind: 'Service', namespace: svc.metadata.namespace, name: svc.metadata.name, uid: svc.metadata.uid }));
  }

  keys(held: Holdings): string[] {
    return [...held.ips.map((ip) => this.ips.key(ip)), ...held.ports.map((p) => this.ports.key(p))];
  }

  /** Fills and writes `svc`, which held `before`; retries its own picks when another writer took one first. */
  private async allocate(svc: Service, before: Holdings, write: CompanionWrite): Promise<number> {
    this.defaultFamilies(svc);
    const requested = minus(holdings(svc), before);
    this.checkRanges(svc, requested);
    this.note(requested, 'taken'); // so a pick for another port of this Service never lands on a requested one
    const original = structuredClone(svc.spec);
    for (let attempt = 1; ; attempt++) {
      const picked = await this.fill(svc);
      const after = holdings(svc);
      const claimed = minus(after, before);
      const released = minus(before, after);
      const companions: Companions = {
        claim: this.keys(claimed).map((key) => ({ key, value: this.ownerValue(svc) })),
        release: this.keys(released),
      };
      try {
        const rev = await write(companions);
        this.note(claimed, 'taken');
        this.note(released, 'free');
        return rev;
      } catch (err) {
        this.note(picked, 'free');
        svc.spec = structuredClone(original);
        if (!(err instanceof ClaimTaken)) throw err;
        const ip = this.ips.valueOf(err.key);
        const port = this.ports.valueOf(err.key);
        if (ip !== undefined && requested.ips.includes(ip)) throw this.invalid(svc, [this.ipError(svc, ip, IP_ALREADY_ALLOCATED)]);
        if (port !== undefined && requested.ports.includes(port)) throw this.invalid(svc, [invalid(this.portPath(svc, port), port, PORT_ALREADY_ALLOCATED)]);
        // A second lost race means this process's hint is missing others' recent picks: learn them all at once.
        const pool = ip !== undefined ? this.ips : this.ports;
        if (attempt >= 2) await pool.reload();
        if (ip !== undefined) this.ips.noteTaken(ip);
        if (port !== undefined) this.ports.noteTaken(port);
        if (attempt >= MAX_PICK_ATTEMPTS) {
          throw new ApiError(409, Reason.Conflict, `could not allocate a free value for service "${svc.metadata.name}": others took each one picked; retry`);
        }
      }
    }
  }

  /** clusterIPs mirrors clusterIP; a single-stack IPv4 cluster refuses other families. */
  private defaultFamilies(svc: Service): void {
    const spec = svc.spec;
    if (!needsClusterIP(spec.type)) return;
    if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
    if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
    const errs: FieldError[] = [];
    if ((spec.clusterIPs?.length ?? 0) > 1) errs.push(invalid('spec.clusterIPs', spec.clusterIPs, 'this cluster is single-stack (IPv4): a service may have only one cluster IP'));
    const families = Array.isArray(spec.ipFamilies) ? (spec.ipFamilies as unknown[]) : [];
    families.forEach((f, i) => { if (f !== 'IPv4') errs.push(invalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster')); });
    if (spec.ipFamilyPolicy === 'RequireDualStack') errs.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
    if (errs.length) throw this.invalid(svc, errs);
    if (!families.length) spec.ipFamilies = ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }

  private checkRanges(svc: Service, requested: Holdings): void {
    const errs = [
      ...requested.ips.filter((ip) => !this.ips.inRange(ip)).map((ip) => this.ipError(svc, ip,
        `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.ips.range.toString()}`)),
      ...requested.ports.filter((p) => !this.ports.inRange(p)).map((p) => invalid(this.portPath(svc, p), p,
        `provided port is not in the valid range. The range of valid ports is ${this.ports.range.toString()}`)),
    ];
    if (errs.length) throw this.invalid(svc, errs);
  }

  /** Sets every unset value the Service's type needs to a picked one; returns the picks. */
  private async fill(svc: Service): Promise<Holdings> {
    const spec = svc.spec;
    const picked: Holdings = { ips: [], ports: [] };
    try {
      if (needsClusterIP(spec.type) && !spec.clusterIP) {
        const ip = await this.ips.take();
        if (ip === undefined) throw rangeFull('serviceIP');
        picked.ips.push(ip);
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      }
      const pickPort = async (): Promise<number> => {
        const port = await this.ports.take();
        if (port === undefined) throw rangeFull('nodePort');
        picked.ports.push(port);
        return port;
      };
      if (allocatesNodePorts(svc)) for (const port of spec.ports ?? []) if (!port.nodePort) port.nodePort = await pickPort();
      if (needsHealthCheckNodePort(spec) && !spec.healthCheckNodePort) spec.healthCheckNodePort = await pickPort();
      return picked;
    } catch (err) {
      this.note(picked, 'free');
      throw err;
    }
  }

  private note(held: Holdings, state: 'taken' | 'free'): void {
    for (const ip of held.ips) if (state === 'taken') this.ips.noteTaken(ip); else this.ips.noteFree(ip);
    for (const p of held.ports) if (state === 'taken') this.ports.noteTaken(p); else this.ports.noteFree(p);
  }

  private ipError(svc: Service, ip: string, detail: string): FieldError {
    return invalid('spec.clusterIPs', svc.spec.clusterIPs ?? [ip], `failed to allocate IP ${ip}: ${detail}`);
  }

  private portPath(svc: Service, port: number): string {
    const i = (svc.spec.ports ?? []).findIndex((p) => p.nodePort === port);
    return i >= 0 ? `spec.ports[${i}].nodePort` : 'spec.healthCheckNodePort';
  }

  private invalid(svc: Service, errs: FieldError[]): ApiError {
    return invalidObject('Service', svc.metadata.name ?? '', errs);
  }
}
