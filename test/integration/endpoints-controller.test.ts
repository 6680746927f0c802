import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../../api/errors.js';
import type { Endpoints, Pod, Service } from '../../api/types/core.js';
import { EndpointsController } from '../../control/controllers/endpoints/endpoints-controller.js';
import { HEADLESS_LABEL } from '../../control/controllers/endpoints/subsets.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

const NS = 'ep-test';
let cluster: TestCluster;
let controller: EndpointsController;
beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.client.resource('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  controller = new EndpointsController(cluster.newClient());
  await controller.start();
});
afterAll(async () => {
  await controller?.stop();
  await cluster?.stop();
});

const pods = () => cluster.client.resource<Pod>('pods');
const services = () => cluster.client.resource<Service>('services');
const endpoints = () => cluster.client.resource<Endpoints>('endpoints');

async function createService(name: string, spec: Partial<Service['spec']>): Promise<Service> {
  return services().create({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { ports: [{ port: 80, targetPort: 8080 }], ...spec } });
}

/** A pod bound to a node, running with `ip`; `ports` are named container ports. */
async function runPod(name: string, ip: string, labels: Record<string, string>, ports: { name: string; containerPort: number }[] = []): Promise<Pod> {
  const created = await pods().create({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels },
    spec: { nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox:1.36', ports }] },
  });
  return setReady(created, ip, true);
}

function setReady(pod: Pod, ip: string, ready: boolean): Promise<Pod> {
  return pods().updateStatus({ ...pod, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
}

async function endpointsOf(name: string): Promise<Endpoints | undefined> {
  try {
    return await endpoints().get(name, NS);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

const ips = (ep: Endpoints | undefined, field: 'addresses' | 'notReadyAddresses' = 'addresses'): string[] =>
  (ep?.subsets ?? []).flatMap((s) => (s[field] ?? []).map((a) => a.ip)).sort();

describe('endpoints controller', () => {
  it('tracks readiness, relabelling and deletion of the selected pods, and deletes the Endpoints with the service', async () => {
    await createService('web', { selector: { app: 'web' } });
    const [p1, p2] = await Promise.all([
      runPod('web-1', '10.244.1.11', { app: 'web' }),
      runPod('web-2', '10.244.1.12', { app: 'web' }),
      runPod('web-3', '10.244.1.13', { app: 'web' }),
      runPod('db-1', '10.244.1.21', { app: 'db' }),
    ]);
    let ep = await waitFor('3 ready addresses', async () => { const e = await endpointsOf('web'); return ips(e).length === 3 && e; });
    expect(ips(ep)).toEqual(['10.244.1.11', '10.244.1.12', '10.244.1.13']);
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets![0]!.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(ep.subsets![0]!.addresses![0]).toEqual({ ip: '10.244.1.11', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: NS, name: 'web-1', uid: p1!.metadata.uid } });

    // Nothing relevant changes: no write.
    await pods().patch('web-3', { metadata: { annotations: { note: 'x' } } }, 'application/merge-patch+json', NS);
    await sleep(300);
    expect((await endpointsOf('web'))!.metadata.resourceVersion).toBe(ep.metadata.resourceVersion);

    await setReady(await pods().get('web-2', NS), p2!.status!.podIP!, false);
    ep = await waitFor('web-2 not ready', async () => { const e = await endpointsOf('web'); return ips(e, 'notReadyAddresses').length === 1 && e; }, 1000);
    expect(ips(ep, 'notReadyAddresses')).toEqual(['10.244.1.12']);
    expect(ips(ep)).toEqual(['10.244.1.11', '10.244.1.13']);

    await pods().patch('web-3', { metadata: { labels: { app: 'other' } } }, 'application/merge-patch+json', NS);
    await waitFor('relabelled pod removed', async () => ips(await endpointsOf('web')).join() === '10.244.1.11');

    // A bound pod's delete leaves it terminating (deletionTimestamp) until its node confirms: already out of the Endpoints.
    await pods().delete('web-2', NS);
    expect((await pods().get('web-2', NS)).metadata.deletionTimestamp).toBeDefined();
    await waitFor('deleted pod removed', async () => ips(await endpointsOf('web'), 'notReadyAddresses').length === 0);
    expect(ips(await endpointsOf('web'))).toEqual(['10.244.1.11']);

    await services().delete('web', NS);
    await waitFor('Endpoints deleted with the service', async () => (await endpointsOf('web')) === undefined);
  });

  it('resolves a named targetPort per pod and groups pods by their ports', async () => {
    await createService('named', { selector: { app: 'named' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'admin', port: 81, targetPort: 9000 }] });
    await Promise.all([
      runPod('named-1', '10.244.2.1', { app: 'named' }, [{ name: 'http', containerPort: 8080 }]),
      runPod('named-2', '10.244.2.2', { app: 'named' }, [{ name: 'http', containerPort: 8081 }]),
      runPod('named-3', '10.244.2.3', { app: 'named' }),
    ]);
    const ep = await waitFor('three pods', async () => { const e = await endpointsOf('named'); return ips(e).length === 3 && e; });
    expect(ep.subsets!.map((s) => ({ ips: s.addresses!.map((a) => a.ip), ports: s.ports!.map((p) => `${p.name}:${p.port}`) }))).toEqual([
      { ips: ['10.244.2.3'], ports: ['admin:9000'] },
      { ips: ['10.244.2.1'], ports: ['admin:9000', 'http:8080'] },
      { ips: ['10.244.2.2'], ports: ['admin:9000', 'http:8081'] },
    ]);
  });

  it('labels a headless service\'s Endpoints and gives its subdomain pods hostnames', async () => {
    await createService('db', { selector: { app: 'db-h' }, clusterIP: 'None', ports: [] });
    const created = await pods().create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-0', namespace: NS, labels: { app: 'db-h' } },
      spec: { nodeName: 'node-a', hostname: 'db-0', subdomain: 'db', containers: [{ name: 'c', image: 'busybox:1.36' }] },
    });
    await setReady(created, '10.244.3.1', true);
    const ep = await waitFor('headless endpoints', async () => { const e = await endpointsOf('db'); return ips(e).length === 1 && e; });
    expect(ep.metadata.labels).toEqual({ [HEADLESS_LABEL]: '' });
    expect(ep.subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.244.3.1', hostname: 'db-0' })] }]);
  });

  it('leaves the Endpoints of a service without selector to the user, but puts back a managed one that was edited', async () => {
    await createService('external', {});
    const subsets = [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 8080, protocol: 'TCP' as const }] }];
    await endpoints().create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external', namespace: NS }, subsets });
    await createService('managed', { selector: { app: 'managed' } });
    await runPod('managed-1', '10.244.4.1', { app: 'managed' });
    const managed = await waitFor('managed endpoints', async () => { const e = await endpointsOf('managed'); return ips(e).length === 1 && e; });
    await endpoints().update({ ...managed, subsets });
    await waitFor('managed endpoints restored', async () => ips(await endpointsOf('managed')).join() === '10.244.4.1');
    expect((await endpointsOf('external'))!.subsets).toEqual(subsets);
  });
});
