/**
 * How a Service update treats the values the registry allocated (cluster IP, node ports), as kube-apiserver's
 * patchAllocatedValues and dropTypeDependentFields do. Pure: runs before validation on any body.
 */
import { isObject } from '../meta.js';
import type { Service } from '../types/core.js';
import { semanticEqual, type Fields } from './util.js';

function specOf(svc: Service): Fields | undefined {
  return isObject(svc.spec) ? svc.spec : undefined;
}

function portsOf(spec: Fields): Fields[] {
  return Array.isArray(spec.ports) ? spec.ports.filter(isObject) : [];
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== 0 && value !== '';
}

/** Every type but ExternalName holds a cluster IP (headless "None" counts as a value). */
export function needsClusterIP(type: unknown): boolean {
  return type !== 'ExternalName';
}

export function needsNodePorts(type: unknown): boolean {
  return type === 'NodePort' || type === 'LoadBalancer';
}

export function needsHealthCheckNodePort(spec: Fields): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/**
 * A body that leaves an allocated value empty keeps the stored one (a PUT of the original manifest stays
 * idempotent): cluster IPs, node ports matched by port name unless another port now uses them, the health check port.
 */
function keepAllocatedValues(spec: Fields, old: Fields): void {
  if (needsClusterIP(old.type) && needsClusterIP(spec.type)) {
    if (!isSet(spec.clusterIP)) spec.clusterIP = old.clusterIP;
    if (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) spec.clusterIPs = old.clusterIPs;
  }
  if (needsNodePorts(old.type) && needsNodePorts(spec.type)) {
    const byName = new Map(portsOf(old).map((p) => [p.name ?? '', p.nodePort]));
    const inUse = new Set(portsOf(spec).map((p) => p.nodePort).filter(isSet));
    for (const port of portsOf(spec)) {
      const previous = byName.get(port.name ?? '');
      if (!isSet(port.nodePort) && isSet(previous) && !inUse.has(previous)) port.nodePort = previous;
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(spec) && !isSet(spec.healthCheckNodePort)) {
    spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

/**
 * A type change drops the fields the new type may not have, when the body left them as stored (the registry
 * likely set them; a value the user changed is left for validation to refuse). Released values are freed by the registry.
 */
function dropTypeDependentFields(spec: Fields, old: Fields): void {
  const same = (field: string): boolean => semanticEqual(spec[field], old[field]);
  if (needsClusterIP(old.type) && !needsClusterIP(spec.type)) {
    for (const field of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) if (same(field)) delete spec[field];
  }
  const oldPorts = portsOf(old);
  const ports = portsOf(spec);
  const sameNodePorts = ports.length === oldPorts.length && ports.every((p, i) => semanticEqual(p.nodePort, oldPorts[i]!.nodePort));
  if (needsNodePorts(old.type) && !needsNodePorts(spec.type) && sameNodePorts) for (const port of ports) delete port.nodePort;
  if (needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(spec) && same('healthCheckNodePort')) delete spec.healthCheckNodePort;
  if (spec.type !== 'LoadBalancer') {
    delete spec.allocateLoadBalancerNodePorts;
    if (same('loadBalancerClass')) delete spec.loadBalancerClass;
  }
  if (!needsNodePorts(spec.type) && same('externalTrafficPolicy')) delete spec.externalTrafficPolicy;
  if (!needsClusterIP(spec.type)) delete spec.internalTrafficPolicy;
}

export function prepareServiceUpdate(svc: Service, old: Service): void {
  const spec = specOf(svc);
  const before = specOf(old);
  if (!spec || !before) return;
  keepAllocatedValues(spec, before);
  dropTypeDependentFields(spec, before);
}
