/**
 * Resource naming. Every Service port becomes one Listener, one RouteConfiguration, one Cluster and one
 * ClusterLoadAssignment, all four named `<service>.<namespace>.svc.<zone>:<port>` (the type URL keeps them
 * apart). That name is also the gRPC target: `xds:///web.default.svc.cluster.local:8080`.
 */
export const DEFAULT_ZONE = 'cluster.local';

export function serviceHost(name: string, namespace: string, zone: string): string {
  return `${name}.${namespace}.svc.${zone}`;
}

export function resourceName(name: string, namespace: string, port: number, zone: string): string {
  return `${serviceHost(name, namespace, zone)}:${port}`;
}

/** The authorities a client may use for the service, each alone and with `:port`, as virtual host domains. */
export function serviceDomains(name: string, namespace: string, port: number, zone: string): string[] {
  const hosts = [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, serviceHost(name, namespace, zone)];
  return hosts.flatMap((h) => [h, `${h}:${port}`]);
}

/** The Service behind a resource name written by `resourceName`; undefined for any other name. */
export function parseResourceName(name: string): { name: string; namespace: string; port: number } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.[^:]+:(\d+)$/.exec(name);
  return m ? { name: m[1]!, namespace: m[2]!, port: Number(m[3]) } : undefined;
}
