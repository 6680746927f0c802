/** Small Service and Endpoints builders for the proxy's tests and benchmark. */
import type { Endpoints, Service, ServiceSpec } from '../../../api/types/core.js';

export function service(ns: string, name: string, clusterIP: string, spec: Partial<ServiceSpec> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec: { clusterIP, ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...spec } };
}

/** Ready endpoints `ips` on port `port` named like the service port (`http` by default). */
export function endpoints(ns: string, name: string, ips: string[], port = 8080, portName = 'http'): Endpoints {
  return {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: ns, name },
    subsets: ips.length ? [{ addresses: ips.map((ip) => ({ ip })), ports: [{ name: portName, port, protocol: 'TCP' }] }] : [],
  };
}
