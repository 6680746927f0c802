/** kubectl describe pod. */
import type { Pod, Container } from '../../api/types/core.js';
import { formatAge } from '../../api/printers/duration.js';
import type { DescribeWriter } from './writer.js';
import { controllerOf } from './common.js';
import { describeContainers, describeVolumes, tolerationLines } from './container.js';
import { formatTime, orNone, labelLines } from './format.js';

/** Kubernetes' QoS rule, for pods whose status does not carry it yet. */
function qosClass(pod: Pod): string {
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let hasResources = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) hasResources = true;
    for (const r of ['cpu', 'memory']) {
      // Requests default to limits, so only limits decide Guaranteed.
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r]))) guaranteed = false;
    }
  }
  if (!hasResources) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function describePod(w: DescribeWriter, pod: Pod, now: Date): void {
  const spec = pod.spec;
  const status = pod.status ?? {};
  w.line(0, 'Priority:', String(spec?.priority ?? 0));
  if (spec?.priorityClassName) w.line(0, 'Priority Class Name:', spec.priorityClassName);
  w.line(0, 'Service Account:', orNone(spec?.serviceAccountName));
  w.line(0, 'Node:', spec?.nodeName ? `${spec.nodeName}/${status.hostIP ?? ''}` : '<none>');
  if (status.startTime) w.line(0, 'Start Time:', formatTime(status.startTime));
  const phase = status.phase ?? '';
  if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') {
    w.line(0, 'Status:', `Terminating (lasts ${formatAge(pod.metadata.deletionTimestamp, now)})`);
    w.line(0, 'Termination Grace Period:', `${pod.metadata.deletionGracePeriodSeconds ?? spec?.terminationGracePeriodSeconds ?? 30}s`);
  } else {
    w.line(0, 'Status:', phase);
  }
  if (status.reason) w.line(0, 'Reason:', status.reason);
  if (status.message) w.line(0, 'Message:', status.message);
  w.line(0, 'IP:', status.podIP ?? '');
  const ips = status.podIPs?.map((p) => p.ip) ?? (status.podIP ? [status.podIP] : []);
  if (ips.length === 0) {
    w.line(0, 'IPs:', '<none>');
  } else {
    w.line(0, 'IPs:');
    for (const ip of ips) w.line(1, 'IP:', ip);
  }
  if (status.nominatedNodeName) w.line(0, 'NominatedNodeName:', status.nominatedNodeName);
  const owner = controllerOf(pod);
  if (owner) w.line(0, 'Controlled By:', owner);
  if (spec?.initContainers?.length) {
    describeContainers(w, 'Init Containers:', 0, spec.initContainers, status.initContainerStatuses ?? [], '');
  }
  describeContainers(w, 'Containers:', 0, spec?.containers ?? [], status.containerStatuses ?? [], '');
  if (status.conditions?.length) {
    w.line(0, 'Conditions:');
    // kubectl leaves a space after each cell; it shows in the column widths.
    w.line(1, 'Type', 'Status');
    for (const c of status.conditions) w.line(1, `${c.type} `, `${c.status} `);
  }
  describeVolumes(w, 0, spec?.volumes);
  w.line(0, 'QoS Class:', status.qosClass ?? qosClass(pod));
  w.list(0, 'Node-Selectors', labelLines(spec?.nodeSelector));
  w.list(0, 'Tolerations', tolerationLines(spec));
}
