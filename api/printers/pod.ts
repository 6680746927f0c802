/** Pod columns, following kubectl's printPod: the STATUS and RESTARTS cells are what users read most. */
import type { ApiObject } from '../meta.js';
import type { Pod, ContainerStatus, Container } from '../types/core.js';
import type { Cell, KindPrinter } from './types.js';
import { column, nameColumn, ageColumn, rec, str, num, list } from './helpers.js';
import { formatAge } from './duration.js';

const columns = [
  nameColumn,
  column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'string', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageColumn,
  column('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster.', 1),
  column('Node', 'string', 'NodeName is a request to schedule this pod onto a specific node.', 1),
  column('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
  column('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
];

// kubelet's reason for pods on a node that stopped reporting.
const nodeUnreachablePodReason = 'NodeLost';

function state(s: ContainerStatus, which: 'running' | 'waiting' | 'terminated'): Record<string, unknown> | undefined {
  const v = s.state?.[which];
  return v && typeof v === 'object' ? v : undefined;
}

/** When the container last stopped (ms since epoch), or 0. */
function lastTerminatedAt(s: ContainerStatus): number {
  const finished = str(rec(s.lastState?.terminated).finishedAt);
  const t = finished ? Date.parse(finished) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

function isRestartableInit(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function hasCondition(pod: Pod, type: string): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** READY, STATUS and RESTARTS, computed as kubectl does. */
export function podSummary(pod: Pod, now: Date): { ready: string; status: string; restarts: string } {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const initSpecs = spec.initContainers ?? [];
  let total = (spec.containers ?? []).length;
  let ready = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;

  const phase = status.phase ?? '';
  let reason: string = status.reason || phase;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, Container>();
  for (const c of initSpecs) {
    initByName.set(c.name, c);
    if (isRestartableInit(c)) total++; // sidecars count towards READY
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const finished = lastTerminatedAt(c);
    restarts += num(c.restartCount);
    lastRestart = Math.max(lastRestart, finished);
    const restartable = isRestartableInit(initByName.get(c.name));
    if (restartable) {
      restartableInitRestarts += num(c.restartCount);
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, finished);
    }
    const terminated = state(c, 'terminated');
    const waiting = state(c, 'waiting');
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (restartable && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) {
      const r = str(terminated.reason);
      if (r) reason = `Init:${r}`;
      else if (num(terminated.signal) !== 0) reason = `Init:Signal:${num(terminated.signal)}`;
      else reason = `Init:ExitCode:${num(terminated.exitCode)}`;
    } else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(pod, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    // Walk backwards so the first container's reason wins, as kubectl does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += num(c.restartCount);
      lastRestart = Math.max(lastRestart, lastTerminatedAt(c));
      const waiting = state(c, 'waiting');
      const terminated = state(c, 'terminated');
      if (waiting && str(waiting.reason)) {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason)) {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason = num(terminated.signal) !== 0 ? `Signal:${num(terminated.signal)}` : `ExitCode:${num(terminated.exitCode)}`;
      } else if (c.ready && state(c, 'running')) {
        hasRunning = true;
        ready++;
      }
    }
    // A completed container next to a running one does not make the pod Completed.
    if (reason === 'Completed' && hasRunning) reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && status.reason === nodeUnreachablePodReason) {
    reason = 'Unknown';
  } else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) {
    restartsText = `${restarts} (${formatAge(new Date(lastRestart).toISOString(), now)} ago)`;
  }
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

function readinessGates(pod: Pod): string {
  const gates = list(pod.spec?.readinessGates);
  if (gates.length === 0) return '<none>';
  let trueCount = 0;
  for (const gate of gates) {
    const type = str(rec(gate).conditionType);
    const cond = (pod.status?.conditions ?? []).find((c) => c.type === type);
    if (cond?.status === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

function podCells(obj: ApiObject, now: Date): Cell[] {
  const pod = obj as Pod;
  const { ready, status, restarts } = podSummary(pod, now);
  const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>';
  return [
    pod.metadata.name ?? '',
    ready,
    status,
    restarts,
    formatAge(pod.metadata.creationTimestamp, now),
    ip,
    pod.spec?.nodeName || '<none>',
    pod.status?.nominatedNodeName || '<none>',
    readinessGates(pod),
  ];
}

export const podPrinter: KindPrinter = { columns, cells: podCells };
