/**
 * The cluster zone's records, kept from Services and Endpoints. `lookup` answers one (name, type) and names
 * the tags the answer depends on; every change returns the tags it invalidates, so a cache of encoded answers
 * can drop exactly what changed.
 */
import type { EndpointAddress, Endpoints, Service } from '../../api/types/core.js';
import { dashedIp, type ZoneName } from './names.js';
import { RCODE, TYPE, type ResourceRecord, type SoaData } from './wire.js';

export interface Answer {
  rcode: typeof RCODE.NOERROR | typeof RCODE.NXDOMAIN;
  answers: ResourceRecord[];
  additionals: ResourceRecord[];
  /** The cache tags this answer was computed from. */
  tags: string[];
}

export interface ZoneConfig {
  /** e.g. `cluster.local` */
  zone: string;
  ttl: number;
}

const serviceTag = (ns: string, name: string): string => `svc:${ns}/${name}`;
const namespaceTag = (ns: string): string => `ns:${ns}`;
export const ipTag = (ip: string): string => `ip:${ip}`;

export class ClusterRecords {
  private readonly services = new Map<string, Service>();
  private readonly endpoints = new Map<string, Endpoints>();
  private readonly servicesPerNamespace = new Map<string, number>();
  /** ip → owner (`svc:` or `ep:` key) → PTR targets, so PTR answers cover every service an IP belongs to. */
  private readonly ptr = new Map<string, Map<string, string[]>>();
  private readonly ptrOwned = new Map<string, string[]>();
  readonly soa: SoaData;

  constructor(readonly config: ZoneConfig) {
    this.soa = {
      mname: `ns.dns.${config.zone}`, rname: `hostmaster.${config.zone}`, serial: Math.floor(Date.now() / 1000),
      refresh: 7200, retry: 1800, expire: 86400, minimum: config.ttl,
    };
  }

  /** Adds or replaces a Service; returns the cache tags to invalidate. */
  setService(svc: Service): string[] {
    const key = objKey(svc);
    if (!this.services.has(key)) this.countNamespace(svc.metadata.namespace ?? '', 1);
    this.services.set(key, svc);
    return this.serviceChanged(svc);
  }

  deleteService(svc: Service): string[] {
    const key = objKey(svc);
    if (!this.services.delete(key)) return [];
    this.countNamespace(svc.metadata.namespace ?? '', -1);
    return this.serviceChanged(svc);
  }

  setEndpoints(ep: Endpoints): string[] {
    const key = objKey(ep);
    this.endpoints.set(key, ep);
    return this.endpointsChanged(ep);
  }

  deleteEndpoints(ep: Endpoints): string[] {
    const key = objKey(ep);
    if (!this.endpoints.delete(key)) return [];
    return this.endpointsChanged(ep);
  }

  lookup(name: ZoneName, qtype: number): Answer {
    const ttl = this.config.ttl;
    switch (name.kind) {
      case 'apex':
        return found(qtype === TYPE.SOA || qtype === TYPE.ANY ? [{ type: TYPE.SOA, ttl, data: this.soa }] : [], []);
      case 'empty':
        return found([], []);
      case 'namespace':
        return this.servicesPerNamespace.has(name.ns) ? found([], [], [namespaceTag(name.ns)]) : missing([namespaceTag(name.ns)]);
      case 'pod':
        return found(wants(qtype, TYPE.A) ? [{ type: TYPE.A, ttl, data: name.ip }] : [], []);
      case 'nonexistent':
        return missing([]);
      case 'service':
      case 'endpoint':
      case 'proto':
      case 'port':
        return this.lookupService(name, qtype);
    }
  }

  /** PTR targets for an IP (service ClusterIPs and endpoint addresses); undefined when the IP is not ours. */
  lookupPtr(ip: string, qtype: number): Answer | undefined {
    const owners = this.ptr.get(ip);
    if (!owners) return undefined;
    const targets = [...new Set([...owners.values()].flat())].sort();
    const answers: ResourceRecord[] = wants(qtype, TYPE.PTR) ? targets.map((data) => ({ type: TYPE.PTR, ttl: this.config.ttl, data })) : [];
    return found(answers, [], [ipTag(ip)]);
  }

  private lookupService(name: Extract<ZoneName, { svc: string }>, qtype: number): Answer {
    const tags = [serviceTag(name.ns, name.svc)];
    const svc = this.services.get(`${name.ns}/${name.svc}`);
    if (!svc) return missing(tags);
    const ttl = this.config.ttl;
    const fqdn = `${name.svc}.${name.ns}.svc.${this.config.zone}`;
    const headless = svc.spec.clusterIP === 'None';
    const addrs = headless ? this.addresses(svc) : [];
    switch (name.kind) {
      case 'service': {
        if (svc.spec.type === 'ExternalName' && svc.spec.externalName) return found([{ type: TYPE.CNAME, ttl, data: svc.spec.externalName }], [], tags);
        const answers: ResourceRecord[] = [];
        const additionals: ResourceRecord[] = [];
        if (wants(qtype, TYPE.A)) {
          if (headless) for (const a of addrs) answers.push({ type: TYPE.A, ttl, data: a.ip });
          else if (svc.spec.clusterIP) answers.push({ type: TYPE.A, ttl, data: svc.spec.clusterIP });
        }
        if (wants(qtype, TYPE.SRV)) {
          for (const port of svc.spec.ports ?? []) if (port.name) this.srv(svc, fqdn, port.name, (port.protocol ?? 'TCP').toLowerCase(), answers, additionals);
        }
        return found(answers, additionals, tags);
      }
      case 'endpoint': {
        const matches = this.addresses(svc).filter((a) => endpointHost(a) === name.host);
        if (!matches.length) return missing(tags);
        return found(wants(qtype, TYPE.A) ? matches.map((a) => ({ type: TYPE.A, ttl, data: a.ip })) : [], [], tags);
      }
      case 'proto':
        return found([], [], tags);
      case 'port': {
        const answers: ResourceRecord[] = [];
        const additionals: ResourceRecord[] = [];
        this.srv(svc, fqdn, name.port, name.proto, answers, additionals);
        if (!answers.length) return missing(tags);
        return wants(qtype, TYPE.SRV) ? found(answers, additionals, tags) : found([], [], tags);
      }
    }
  }

  /** SRV records for the named port: the service itself, or each ready endpoint of a headless service. */
  private srv(svc: Service, fqdn: string, portName: string, proto: string, answers: ResourceRecord[], additionals: ResourceRecord[]): void {
    const ttl = this.config.ttl;
    const port = (svc.spec.ports ?? []).find((p) => p.name === portName && (p.protocol ?? 'TCP').toLowerCase() === proto);
    if (!port) return;
    if (svc.spec.clusterIP !== 'None') {
      if (!svc.spec.clusterIP) return;
      answers.push({ type: TYPE.SRV, ttl, data: { priority: 0, weight: 100, port: port.port, target: fqdn } });
      additionals.push({ name: fqdn, type: TYPE.A, ttl, data: svc.spec.clusterIP });
      return;
    }
    const targets: { addr: EndpointAddress; port: number }[] = [];
    for (const subset of this.endpoints.get(objKey(svc))?.subsets ?? []) {
      const epPort = (subset.ports ?? []).find((p) => p.name === portName && (p.protocol ?? 'TCP').toLowerCase() === proto);
      if (!epPort) continue;
      for (const addr of this.subsetAddresses(svc, subset)) targets.push({ addr, port: epPort.port });
    }
    const weight = targets.length ? Math.max(1, Math.floor(100 / targets.length)) : 0;
    for (const { addr, port: p } of targets) {
      const target = `${endpointHost(addr)}.${fqdn}`;
      answers.push({ type: TYPE.SRV, ttl, data: { priority: 0, weight, port: p, target } });
      additionals.push({ name: target, type: TYPE.A, ttl, data: addr.ip });
    }
  }

  /** Endpoint addresses DNS publishes: ready ones, and not-ready ones too when the service asks for it. */
  private addresses(svc: Service): EndpointAddress[] {
    return (this.endpoints.get(objKey(svc))?.subsets ?? []).flatMap((s) => this.subsetAddresses(svc, s));
  }

  private subsetAddresses(svc: Service, subset: NonNullable<Endpoints['subsets']>[number]): EndpointAddress[] {
    return [...(subset.addresses ?? []), ...(svc.spec.publishNotReadyAddresses ? subset.notReadyAddresses ?? [] : [])];
  }

  /** Re-derives the PTRs of a service (its ClusterIP, and its endpoints, whose names exist only with it). */
  private serviceChanged(svc: Service): string[] {
    const ns = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    const owner = `svc:${objKey(svc)}`;
    const ips = new Map<string, string[]>();
    const current = this.services.get(objKey(svc));
    const ip = current?.spec.clusterIP;
    if (ip && ip !== 'None') ips.set(ip, [`${name}.${ns}.svc.${this.config.zone}`]);
    const epTags = this.endpointsChanged(this.endpoints.get(objKey(svc)));
    return [...this.setPtrs(owner, ips), ...epTags, serviceTag(ns, name), namespaceTag(ns)];
  }

  private endpointsChanged(ep: Endpoints | undefined): string[] {
    if (!ep) return [];
    const key = objKey(ep);
    const owner = `ep:${key}`;
    const ns = ep.metadata.namespace ?? '';
    const name = ep.metadata.name ?? '';
    const svc = this.services.get(key);
    const current = this.endpoints.get(key);
    const ips = new Map<string, string[]>();
    if (svc && current) {
      const fqdn = `${name}.${ns}.svc.${this.config.zone}`;
      for (const a of this.addresses(svc)) ips.set(a.ip, [...(ips.get(a.ip) ?? []), `${endpointHost(a)}.${fqdn}`]);
    }
    return [...this.setPtrs(owner, ips), serviceTag(ns, name)];
  }

  /** Replaces the PTR targets one owner contributes; returns the tags of every IP gained or lost. */
  private setPtrs(owner: string, ips: Map<string, string[]>): string[] {
    const before = this.ptrOwned.get(owner) ?? [];
    for (const ip of before) {
      const owners = this.ptr.get(ip);
      owners?.delete(owner);
      if (owners?.size === 0) this.ptr.delete(ip);
    }
    for (const [ip, targets] of ips) {
      let owners = this.ptr.get(ip);
      if (!owners) this.ptr.set(ip, (owners = new Map()));
      owners.set(owner, targets);
    }
    if (ips.size) this.ptrOwned.set(owner, [...ips.keys()]);
    else this.ptrOwned.delete(owner);
    return [...new Set([...before, ...ips.keys()])].map(ipTag);
  }

  private countNamespace(ns: string, delta: number): void {
    const n = (this.servicesPerNamespace.get(ns) ?? 0) + delta;
    if (n > 0) this.servicesPerNamespace.set(ns, n);
    else this.servicesPerNamespace.delete(ns);
  }
}

/** The label an endpoint is known by: its hostname, else its dashed IP (as CoreDNS names endpoints). */
export function endpointHost(addr: EndpointAddress): string {
  return addr.hostname || dashedIp(addr.ip);
}

function wants(qtype: number, type: number): boolean {
  return qtype === type || qtype === TYPE.ANY;
}

function found(answers: ResourceRecord[], additionals: ResourceRecord[], tags: string[] = []): Answer {
  return { rcode: RCODE.NOERROR, answers, additionals, tags };
}

function missing(tags: string[]): Answer {
  return { rcode: RCODE.NXDOMAIN, answers: [], additionals: [], tags };
}

function objKey(obj: { metadata: { namespace?: string; name?: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}
