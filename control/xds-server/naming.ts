/**
 * Resource naming. Every Service port becomes one Listener, one RouteConfiguration, one Cluster and one
 * ClusterLoadAssignment, all four named `<service>.<namespace>.svc.<zone>:<port>` (the type URL keeps them
 * apart). That name is also the gRPC target: `xds:///web.default.svc.cluster.local:8080`. Derived names:
 * - a subset's Cluster and ClusterLoadAssignment: `<port name>|version=v2` (`subsetClusterName`);
 * - the destination side's Listener and local Cluster: `inbound|<port name>` (`inboundListenerName`).
 */
export const DEFAULT_ZONE = 'cluster.local';

export function serviceHost(name: string, namespace: string, zone: string): string {
  return `${name}.${namespace}.svc.${zone}`;
}

export function resourceName(name: string, namespace: string, port: number, zone: string): string {
  return `${serviceHost(name, namespace, zone)}:${port}`;
}

/**
 * The authorities a client may use for the service, with `:port` (and alone for port 80, what a Host without a
 * port means, as Istio does), as virtual host domains: its full name and its cluster IPs (a sidecar sees the IP as Host when the app dialled the address; IPv6 in brackets).
 * Short names (`web`, `web.ns`) are not domains: they mean a different Service in each namespace, so the sidecar
 * expands them in its own namespace first.
 */
export function serviceDomains(name: string, namespace: string, port: number, zone: string, clusterIPs: string[] = []): string[] {
  const ips = clusterIPs.filter((ip) => ip && ip !== 'None').map((ip) => (ip.includes(':') ? `[${ip}]` : ip));
  const hosts = [serviceHost(name, namespace, zone), ...ips];
  return hosts.flatMap((h) => (port === 80 ? [h, `${h}:80`] : [`${h}:${port}`]));
}

/**
 * A backend subset (pods carrying `labels`) of a Service port gets its own Cluster and ClusterLoadAssignment named
 * `<service port name>|<k1>=<v1>,<k2>=<v2>` with the labels sorted by key: label keys and values cannot contain `|`,
 * `=` or `,`, so the name is unambiguous, and the same selector always yields the same name.
 */
export function subsetClusterName(portResource: string, labels: Record<string, string>): string {
  const key = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
  return `${portResource}|${key}`;
}

/**
 * The destination side of a Service port (where MeshAuthorization is enforced) is a separate Listener named
 * `inbound|<service port name>`, so clients subscribing to the service port name never receive it.
 */
export function inboundListenerName(portResource: string): string {
  return `inbound|${portResource}`;
}

/** The SPIFFE identity of a workload's service account, as mTLS peers present it (issue 8 issues the certificates). */
export function spiffeId(namespace: string, serviceAccount: string, zone: string): string {
  return `spiffe://${zone}/ns/${namespace}/sa/${serviceAccount}`;
}

/** The Service port name a derived name (subset cluster, inbound listener) comes from; other names unchanged. */
export function servicePortResourceName(name: string): string {
  const withoutInbound = name.startsWith('inbound|') ? name.slice('inbound|'.length) : name;
  const bar = withoutInbound.indexOf('|');
  return bar < 0 ? withoutInbound : withoutInbound.slice(0, bar);
}

/** The Service behind a resource name (a Service port's, or one derived from it); undefined for any other name. */
export function parseResourceName(name: string): { name: string; namespace: string; port: number } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.[^:]+:(\d+)$/.exec(servicePortResourceName(name));
  return m ? { name: m[1]!, namespace: m[2]!, port: Number(m[3]) } : undefined;
}
