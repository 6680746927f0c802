import { describe, it, expect } from '@jest/globals';
import type { Pod } from '../types/core.js';
import { buildTable } from './table.js';
import type { Table } from './types.js';

const now = new Date('2024-05-01T12:00:00Z');
const minutesAgo = (m: number): string => new Date(now.getTime() - m * 60_000).toISOString();

function row(table: Table, i = 0): Record<string, unknown> {
  return Object.fromEntries(table.columnDefinitions.map((c, j) => [c.name, table.rows[i].cells[j]]));
}
function podRow(pod: Pod): Record<string, unknown> {
  return row(buildTable('Pod', [pod], { now, includeObject: 'None' }));
}

function basePod(overrides: Partial<Pod> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'shop', creationTimestamp: minutesAgo(90) },
    spec: { containers: [{ name: 'app', image: 'nginx' }, { name: 'proxy', image: 'envoy' }], nodeName: 'node-a' },
    ...overrides,
  };
}

describe('Pod table', () => {
  it('shows a running pod with restarts and when the last restart happened', () => {
    const pod = basePod({
      status: {
        phase: 'Running',
        podIPs: [{ ip: '10.1.0.7' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            name: 'app', ready: true, restartCount: 2, image: 'nginx',
            state: { running: { startedAt: minutesAgo(4) } },
            lastState: { terminated: { exitCode: 1, finishedAt: minutesAgo(5) } },
          },
          {
            name: 'proxy', ready: true, restartCount: 1, image: 'envoy',
            state: { running: { startedAt: minutesAgo(30) } },
            lastState: { terminated: { exitCode: 2, finishedAt: minutesAgo(31) } },
          },
        ],
      },
    });
    expect(podRow(pod)).toEqual({
      Name: 'web-1',
      Ready: '2/2',
      Status: 'Running',
      Restarts: '3 (5m ago)',
      Age: '90m',
      IP: '10.1.0.7',
      Node: 'node-a',
      'Nominated Node': '<none>',
      'Readiness Gates': '<none>',
    });
  });

  it('shows CrashLoopBackOff and counts only ready running containers', () => {
    const pod = basePod({
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app', ready: false, restartCount: 7, image: 'nginx',
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: minutesAgo(2) } },
          },
          { name: 'proxy', ready: true, restartCount: 0, image: 'envoy', state: { running: {} } },
        ],
      },
    });
    const r = podRow(pod);
    expect(r.Status).toBe('CrashLoopBackOff');
    expect(r.Ready).toBe('1/2');
    expect(r.Restarts).toBe('7 (2m ago)');
  });

  it('shows Terminating once deletion started, whatever the containers say', () => {
    const pod = basePod({
      metadata: { name: 'web-1', creationTimestamp: minutesAgo(10), deletionTimestamp: minutesAgo(0) },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'nginx', state: { running: {} } }],
      },
    });
    expect(podRow(pod).Status).toBe('Terminating');
  });

  it('does not call a finished pod Terminating, and shows Unknown for pods lost with their node', () => {
    const done = basePod({
      metadata: { name: 'job-1', deletionTimestamp: minutesAgo(0) },
      status: { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, image: 'x', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
    });
    expect(podRow(done).Status).toBe('Completed');
    const lost = basePod({ metadata: { name: 'web-2', deletionTimestamp: minutesAgo(0) }, status: { phase: 'Running', reason: 'NodeLost' } });
    expect(podRow(lost).Status).toBe('Unknown');
  });

  it('shows init progress, init failures and waiting init reasons', () => {
    const spec = {
      initContainers: [{ name: 'migrate', image: 'm' }, { name: 'seed', image: 's' }],
      containers: [{ name: 'app', image: 'a' }],
    };
    const progressing = basePod({
      spec,
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'migrate', ready: false, restartCount: 0, image: 'm', state: { terminated: { exitCode: 0 } } },
          { name: 'seed', ready: false, restartCount: 0, image: 's', state: { running: {} } },
        ],
      },
    });
    expect(podRow(progressing)).toMatchObject({ Status: 'Init:1/2', Ready: '0/1' });

    const failing = basePod({
      spec,
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 4, image: 'm', state: { terminated: { exitCode: 3 } } }],
      },
    });
    expect(podRow(failing)).toMatchObject({ Status: 'Init:ExitCode:3', Restarts: '4' });

    const crashing = basePod({
      spec,
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'migrate', ready: false, restartCount: 1, image: 'm', state: { waiting: { reason: 'CrashLoopBackOff' } } }],
      },
    });
    expect(podRow(crashing).Status).toBe('Init:CrashLoopBackOff');
  });

  it('counts a started sidecar (restartable init container) as a ready container', () => {
    const pod = basePod({
      spec: { initContainers: [{ name: 'mesh', image: 'm', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'a' }] },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 'mesh', ready: true, started: true, restartCount: 0, image: 'm', state: { running: {} } }],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, image: 'a', state: { running: {} } }],
      },
    });
    expect(podRow(pod)).toMatchObject({ Ready: '2/2', Status: 'Running' });
  });

  it('keeps a pod Running when one container completed and another still runs', () => {
    const pod = basePod({
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          { name: 'app', ready: true, restartCount: 0, image: 'nginx', state: { running: {} } },
          { name: 'proxy', ready: false, restartCount: 0, image: 'envoy', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
      },
    });
    expect(podRow(pod).Status).toBe('Running');
  });

  it('shows a pending, unscheduled pod with placeholders and readiness gates', () => {
    const pod = basePod({
      spec: { containers: [{ name: 'app' }], readinessGates: [{ conditionType: 'lb/ready' }, { conditionType: 'dns/ready' }] },
      status: { phase: 'Pending', conditions: [{ type: 'lb/ready', status: 'True' }], nominatedNodeName: 'node-b' },
    });
    expect(podRow(pod)).toMatchObject({ Status: 'Pending', Ready: '0/1', Restarts: '0', IP: '<none>', Node: '<none>', 'Nominated Node': 'node-b', 'Readiness Gates': '1/2' });
  });

  it('marks the wide columns with priority 1', () => {
    const t = buildTable('Pod', [], { now, includeObject: 'None' });
    expect(t.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(t.columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name)).toEqual(['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    expect(t.columnDefinitions.every((c) => c.description.length > 0)).toBe(true);
  });
});

describe('Table envelope', () => {
  const pod = basePod({ metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' }, resourceVersion: '42' } });

  it('carries list metadata and kind', () => {
    const t = buildTable('Pod', [pod], { now, includeObject: 'None', resourceVersion: '100', continue: 'tok' });
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '100', continue: 'tok' } });
    expect(buildTable('Pod', [pod], { now, includeObject: 'None' }).metadata).toEqual({});
  });

  it('includes nothing, the metadata, or the whole object per includeObject', () => {
    expect(buildTable('Pod', [pod], { now, includeObject: 'None' }).rows[0].object).toBeNull();
    expect(buildTable('Pod', [pod], { now, includeObject: 'Object' }).rows[0].object).toBe(pod);
    const partial = buildTable('Pod', [pod], { now, includeObject: 'Metadata' }).rows[0].object;
    expect(partial).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata });
    expect((partial as { spec?: unknown }).spec).toBeUndefined();
  });
});
