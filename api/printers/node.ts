/** Node columns, following kubectl's printNode. */
import type { ApiObject } from '../meta.js';
import type { Node } from '../types/core.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Status', 'string', 'The status of the node'),
  column('Roles', 'string', 'The roles of the node'),
  ageColumn,
  column('Version', 'string', 'Kubelet Version reported by the node.'),
  column('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
  column('External-IP', 'string', 'List of addresses reachable to the node.', 1),
  column('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release.', 1),
  column('Kernel-Version', 'string', "Kernel Version reported by the node from 'uname -r'.", 1),
  column('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API.', 1),
];

const rolePrefix = 'node-role.kubernetes.io/';
const legacyRoleLabel = 'kubernetes.io/role';

/** Roles from `node-role.kubernetes.io/<role>` keys and the legacy `kubernetes.io/role=<role>` label, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(rolePrefix)) {
      const role = k.slice(rolePrefix.length);
      if (role) roles.add(role);
    } else if (k === legacyRoleLabel && v) {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

/** "Ready", "NotReady" or "Unknown", plus ",SchedulingDisabled" when cordoned. */
export function nodeStatus(node: Node): string {
  const status: string[] = [];
  const ready = (node.status?.conditions ?? []).find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function address(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

function nodeCells(obj: ApiObject, now: Date): Cell[] {
  const node = obj as Node;
  const info = node.status?.nodeInfo ?? {};
  return [
    node.metadata.name ?? '',
    nodeStatus(node),
    nodeRoles(node).join(',') || '<none>',
    formatAge(node.metadata.creationTimestamp, now),
    info.kubeletVersion ?? '',
    address(node, 'InternalIP'),
    address(node, 'ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}

export const nodePrinter: KindPrinter = { columns, cells: nodeCells };
