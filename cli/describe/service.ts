/** kubectl describe service. */
import type { ApiObject } from '../../api/meta.js';
import type { Service, Endpoints } from '../../api/types/core.js';
import { formatLabels, list, str } from '../../api/printers/helpers.js';
import { formatEndpoints } from '../../api/printers/endpoints.js';
import { serviceExternalIP } from '../../api/printers/service.js';
import type { DescribeWriter } from './writer.js';

/** `endpoints` is the Service's Endpoints object when the caller has it; without it each port shows `<none>`. */
export function describeService(w: DescribeWriter, svc: Service, endpoints: ApiObject | undefined): void {
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  w.line(0, 'Selector:', formatLabels(spec.selector));
  w.line(0, 'Type:', type);
  if (typeof spec.ipFamilyPolicy === 'string') w.line(0, 'IP Family Policy:', spec.ipFamilyPolicy);
  const families = list(spec.ipFamilies).map(str).filter(Boolean);
  if (families.length) w.line(0, 'IP Families:', families.join(','));
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  w.line(0, 'IP:', ips[0] ?? '<none>');
  if (ips.length) w.line(0, 'IPs:', ips.join(','));
  if (type === 'ExternalName') w.line(0, 'External Name:', spec.externalName ?? '');
  const externalIPs = list(spec.externalIPs).map(str).filter(Boolean);
  if (externalIPs.length) w.line(0, 'External IPs:', externalIPs.join(','));
  if (type === 'LoadBalancer') w.line(0, 'LoadBalancer Ingress:', serviceExternalIP(svc));
  for (const p of spec.ports ?? []) {
    const name = p.name || '<unset>';
    const proto = p.protocol ?? 'TCP';
    w.line(0, 'Port:', name, `${p.port}/${proto}`);
    w.line(0, 'TargetPort:', `${p.targetPort ?? p.port}/${proto}`);
    if (p.nodePort) w.line(0, 'NodePort:', name, `${p.nodePort}/${proto}`);
    const eps = endpoints ? formatEndpoints(endpoints as Endpoints, new Set([p.name ?? ''])) : '<none>';
    w.line(0, 'Endpoints:', eps);
  }
  w.line(0, 'Session Affinity:', spec.sessionAffinity ?? 'None');
  if (type === 'NodePort' || type === 'LoadBalancer') {
    w.line(0, 'External Traffic Policy:', str(spec.externalTrafficPolicy) || 'Cluster');
  }
}
