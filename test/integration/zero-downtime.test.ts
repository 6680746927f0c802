/**
 * Zero-downtime rollout (issue 6) on the real data path: a Deployment of real containers behind a Service VIP
 * in the two-host lab rolls from v1 to v2 while a client pod sends a bounded stream of requests through the
 * VIP. Readiness keeps new pods out until they serve; a terminating pod leaves the Endpoints at once and its
 * preStop hook holds SIGTERM back for a moment (the drain), so no request fails and the answers switch to v2.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Deployment } from '../../api/types/apps.js';
import type { Endpoints, Pod, Service } from '../../api/types/core.js';
import { startNetworkCluster, type NetworkCluster } from '../harness/network-cluster.js';
import { waitFor } from '../harness/wait.js';
import { TEST_SERVER_PORT } from '../lab/test-images.js';

const MAX_REQUESTS = 20_000;
let net: NetworkCluster;
let client: Pod;

function deployment(image: string, version: string): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 10,
          containers: [{
            name: 'server', image,
            env: [{ name: 'MESSAGE', value: version }],
            // The drain: SIGTERM only after the endpoint has left every node's rules.
            lifecycle: { preStop: { exec: { command: ['sleep', '2'] } } },
            ports: [{ name: 'http', containerPort: TEST_SERVER_PORT }],
            readinessProbe: { httpGet: { path: '/ready', port: TEST_SERVER_PORT }, periodSeconds: 1, failureThreshold: 1 },
          }],
        },
      },
    },
  } as Deployment;
}

beforeAll(async () => {
  net = await startNetworkCluster('rollout', 2, { scheduler: true });
  client = await net.runPod(net.nodes[0]!, 'client', { containers: [{ name: 'sh', image: net.refs.busybox, command: ['sleep', '3600'] }] });
}, 180_000);

afterAll(async () => {
  await net?.stop();
}, 60_000);

describe('a rolling update behind a Service VIP', () => {
  it('fails no request and switches the answers from v1 to v2', async () => {
    const api = net.cluster.client;
    await api.resource<Deployment>('deployments').create(deployment(net.refs.testServer, 'v1'));
    const svc = await api.resource<Service>('services').create({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const vip = svc.spec.clusterIP!;
    await waitFor('3 ready endpoints', async () => {
      const ep = await api.resource<Endpoints>('endpoints').get('web', 'default').catch(() => undefined);
      return (ep?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0) === 3;
    }, 90_000);

    // One request after another until told to stop (or MAX_REQUESTS): each line is the body or FAIL.
    const request = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${vip} 80 | tail -n 1`;
    const loop = `i=0; while [ $i -lt ${MAX_REQUESTS} ] && [ ! -f /tmp/stop ]; do r=$(${request}); echo "\${r:-FAIL}"; i=$((i+1)); done`;
    const load = net.exec(client, ['sh', '-c', loop], 240_000);
    await waitFor('the load running', async () => (await net.exec(client, ['true'])).exitCode === 0);
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const deployments = api.resource<Deployment>('deployments');
    const current = await deployments.get('web', 'default');
    await deployments.update({ ...current, spec: deployment(net.refs.testServer, 'v2').spec });
    await waitFor('the rollout to finish with the old pods gone', async () => {
      const d = await deployments.get('web', 'default');
      const s = d.status ?? {};
      const pods = (await api.resource<Pod>('pods').list({ namespace: 'default', labelSelector: 'app=web' })).items;
      return d.status?.observedGeneration === d.metadata.generation && s.updatedReplicas === 3 && s.availableReplicas === 3 && s.replicas === 3 && pods.length === 3;
    }, 150_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await net.exec(client, ['touch', '/tmp/stop']);
    const answers = (await load).stdout.trim().split('\n');

    const failed = answers.filter((a) => a !== 'v1' && a !== 'v2');
    process.stdout.write(`zero-downtime rollout: ${answers.length} requests, ${failed.length} failed, ${answers.filter((a) => a === 'v1').length} v1, ${answers.filter((a) => a === 'v2').length} v2\n`);
    expect(answers.length).toBeLessThan(MAX_REQUESTS); // the load spanned the whole rollout
    expect(failed).toEqual([]);
    expect(answers[0]).toBe('v1');
    expect(answers.at(-1)).toBe('v2');
    expect(answers.lastIndexOf('v1')).toBeLessThan(answers.length - 1);
  }, 300_000);
});
