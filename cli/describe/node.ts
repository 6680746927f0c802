/** kubectl describe node. */
import type { Node } from '../../api/types/core.js';
import { nodeRoles } from '../../api/printers/node.js';
import type { DescribeWriter } from './writer.js';
import { formatTime, sortedEntries, taintText } from './format.js';

// kubectl's System Info labels, in its order.
const systemInfo: [string, string][] = [
  ['machineID', 'Machine ID'],
  ['systemUUID', 'System UUID'],
  ['bootID', 'Boot ID'],
  ['kernelVersion', 'Kernel Version'],
  ['osImage', 'OS Image'],
  ['operatingSystem', 'Operating System'],
  ['architecture', 'Architecture'],
  ['containerRuntimeVersion', 'Container Runtime Version'],
  ['kubeletVersion', 'Kubelet Version'],
  ['kubeProxyVersion', 'Kube-Proxy Version'],
];

export function describeNode(w: DescribeWriter, node: Node): void {
  const spec = node.spec ?? {};
  const status = node.status ?? {};
  w.line(0, 'Roles:', nodeRoles(node).join(',') || '<none>');
  w.list(0, 'Taints', (spec.taints ?? []).map(taintText));
  w.line(0, 'Unschedulable:', String(spec.unschedulable ?? false));
  if (status.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message');
    w.line(1, '----', '------', '-----------------', '------------------', '------', '-------');
    for (const c of status.conditions) {
      w.line(1, `${c.type} `, `${c.status} `, `${formatTime(c.lastHeartbeatTime)} `, `${formatTime(c.lastTransitionTime)} `, `${c.reason ?? ''} `, c.message ?? '');
    }
  }
  if (status.addresses?.length) {
    w.line(0, 'Addresses:');
    for (const a of status.addresses) w.line(1, `${a.type}:`, a.address);
  }
  for (const [title, resources] of [['Capacity', status.capacity], ['Allocatable', status.allocatable]] as const) {
    const entries = sortedEntries(resources);
    if (entries.length === 0) continue;
    w.line(0, `${title}:`);
    for (const [name, q] of entries) w.line(1, `${name}:`, String(q));
  }
  const info = status.nodeInfo ?? {};
  const infoLines = systemInfo.filter(([key]) => info[key] !== undefined);
  if (infoLines.length) {
    w.line(0, 'System Info:');
    for (const [key, label] of infoLines) w.line(1, `${label}:`, info[key]);
  }
  if (spec.podCIDR) w.line(0, 'PodCIDR:', spec.podCIDR);
  if (spec.podCIDRs?.length) w.line(0, 'PodCIDRs:', spec.podCIDRs.join(','));
  if (spec.providerID) w.line(0, 'ProviderID:', spec.providerID);
}
