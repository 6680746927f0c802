/**
 * The ingress proxy serving a node's network namespace, as on a lab host: its listeners and its connections to the
 * backend are made inside the namespace, where the backend has a pod-network address, while the proxy itself (and
 * its API traffic) stays in the test's namespace. Clients are node scripts run inside the namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Endpoints, Secret, Service } from '../../api/types/core.js';
import type { Ingress } from '../../api/types/networking.js';
import { createSelfSignedServingCert } from '../../control/pki/certificates.js';
import { startIngressProxy, type IngressProxy } from '../../dataplane/ingress/ingress-proxy.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';
import { createNetns, deleteNetns, inNetns, reapStaleNetns, testNetnsName } from '../lab/netns.js';

const NS = 'default';
const NETNS = testNetnsName('ingress');
/** A pod-network address that exists only inside NETNS. */
const POD_IP = '10.244.250.2';
const POD_PORT = 8080;

let cluster: TestCluster;
let proxy: IngressProxy | undefined;
let backend: ChildProcess | undefined;
let caFile: string;

const BACKEND_SCRIPT = `require('node:http').createServer((q, s) => s.end('pod ' + q.headers['x-forwarded-proto'])).listen(${POD_PORT}, '${POD_IP}', () => console.log('ready'))`;

async function startBackend(): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', NETNS, process.execPath, '-e', BACKEND_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`backend exited (${code})`)));
  });
  return child;
}

/** A node client run inside the namespace: prints "<status> <body>"; for HTTPS it sends SNI `host` and trusts only `ca`. */
const CLIENT_SCRIPT = `
const [scheme, ip, port, host, ca] = process.argv.slice(1);
const opts = { host: ip, port: Number(port), headers: { host }, servername: host, ...(ca ? { ca: require('node:fs').readFileSync(ca) } : {}) };
require('node:' + scheme).get(opts, (res) => {
  let body = '';
  res.on('data', (c) => { body += c; }).on('end', () => console.log(res.statusCode + ' ' + body));
}).on('error', (err) => { console.error(err.message); process.exit(1); });`;

async function request(scheme: 'http' | 'https', port: number, host: string, ca = ''): Promise<string> {
  return (await inNetns(NETNS, process.execPath, ['-e', CLIENT_SCRIPT, scheme, POD_IP, String(port), host, ca])).trim();
}

beforeAll(async () => {
  await reapStaleNetns();
  await createNetns(NETNS);
  // On the namespace's loopback: the kernel here has no dummy interfaces, and only the namespace must see it.
  await inNetns(NETNS, 'ip', ['addr', 'add', `${POD_IP}/32`, 'dev', 'lo']);
  backend = await startBackend();

  cluster = await startTestCluster();
  const { client } = cluster;
  await client.resource<Service>('services').create({ metadata: { name: 'pod', namespace: NS }, spec: { ports: [{ port: 80, protocol: 'TCP' }] } });
  await client.resource<Endpoints>('endpoints').create({ metadata: { name: 'pod', namespace: NS }, subsets: [{ addresses: [{ ip: POD_IP }], ports: [{ port: POD_PORT, protocol: 'TCP' }] }] });
  const pair = await createSelfSignedServingCert('pod', ['pod.example.com'], []);
  caFile = join(cluster.dir, 'pod-ca.crt');
  await writeFile(caFile, pair.cert);
  await client.resource<Secret>('secrets').create({
    metadata: { name: 'pod-tls', namespace: NS }, type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(pair.cert).toString('base64'), 'tls.key': Buffer.from(pair.key).toString('base64') },
  });
  await client.resource<Ingress>('ingresses').create({
    metadata: { name: 'pod', namespace: NS },
    spec: {
      tls: [{ hosts: ['pod.example.com'], secretName: 'pod-tls' }],
      rules: [{ host: 'pod.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'pod', port: { number: 80 } } } }] } }],
    },
  });
  proxy = await startIngressProxy({ client: cluster.newClient(), host: POD_IP, httpPort: 0, httpsPort: 0, netns: NETNS });
});

afterAll(async () => {
  await proxy?.stop();
  backend?.kill();
  await cluster?.stop();
  await deleteNetns(NETNS);
});

describe('ingress proxy in a network namespace', () => {
  it('serves HTTP inside the namespace and reaches the pod address there', async () => {
    expect(await request('http', proxy!.httpPort, 'pod.example.com')).toBe('200 pod http');
    expect(await request('http', proxy!.httpPort, 'other.example.com')).toMatch(/^404 /);
  });

  it('serves HTTPS with the Secret certificate for the SNI name, verified by the client', async () => {
    expect(await request('https', proxy!.httpsPort!, 'pod.example.com', caFile)).toBe('200 pod https');
  });

  it('publishes the namespace address in the Ingress status', async () => {
    await waitFor('status address', async () =>
      (await cluster.client.resource<Ingress>('ingresses').get('pod', NS)).status?.loadBalancer?.ingress?.[0]?.ip === POD_IP);
  });
});
