/**
 * The ingress proxy against a real registry: Ingresses, Services, Endpoints and a TLS Secret are API objects; the
 * backends are HTTP servers on loopback that answer with their name and the headers they received.
 *
 * Backends are on 127.0.0.1 (Cairn's Endpoints validation, unlike kube's, accepts loopback): the proxy runs in this
 * process, so it shares the test's namespace and reaches them without any kernel setup; what is under test here is
 * routing, TLS and the API wiring, which a pod network would not change.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import type { Endpoints, Secret, Service } from '../../api/types/core.js';
import type { Ingress, IngressSpec } from '../../api/types/networking.js';
import type { ResourceClient } from '../../control/client/resource-client.js';
import { createSelfSignedServingCert } from '../../control/pki/certificates.js';
import { startIngressProxy, type IngressProxy } from '../../dataplane/ingress/ingress-proxy.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { freePort } from '../harness/ports.js';
import { waitFor } from '../harness/wait.js';

const run = promisify(execFile);
const NS = 'default';

interface Reply { status: number; body: string; headers: IncomingHttpHeaders }
interface Echo { name: string; path: string; headers: IncomingHttpHeaders }

let cluster: TestCluster;
let proxy: IngressProxy;
let secureCert: { cert: string; key: string };
const backends: Server[] = [];

/** A backend that answers every request with its name, the path and the headers it got. */
async function backend(name: string): Promise<number> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, path: req.url ?? '', headers: req.headers } satisfies Echo));
  });
  backends.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A Service without a selector and its hand-written Endpoints: one subset per backend port. */
async function service(name: string, port: { name?: string; port: number }, endpointPorts: number[], notReady = false): Promise<void> {
  await cluster.client.resource<Service>('services').create({ metadata: { name, namespace: NS }, spec: { ports: [{ ...port, protocol: 'TCP' }] } });
  const subsets = endpointPorts.map((p) => ({
    [notReady ? 'notReadyAddresses' : 'addresses']: [{ ip: '127.0.0.1' }],
    ports: [{ ...(port.name ? { name: port.name } : {}), port: p, protocol: 'TCP' as const }],
  }));
  await cluster.client.resource<Endpoints>('endpoints').create({ metadata: { name, namespace: NS }, subsets });
}

function get(host: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxy.httpPort, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject).end();
  });
}

async function echo(host: string, path: string): Promise<Echo> {
  const reply = await get(host, path);
  expect(reply.status).toBe(200);
  return JSON.parse(reply.body) as Echo;
}

/** An HTTPS request with SNI `servername`, verifying the server against `ca` unless it is undefined. */
function getTls(servername: string, path: string, ca: string | undefined): Promise<Reply & { cert: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port: proxy.httpsPort, path, servername, headers: { host: servername }, agent: false,
      ...(ca ? { ca } : { rejectUnauthorized: false }),
    }, (res) => {
      const cert = (res.socket as TLSSocket).getPeerCertificate();
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; }).on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, cert }));
    });
    req.on('error', reject).end();
  });
}

const ingresses = (): ResourceClient<Ingress> => cluster.client.resource<Ingress>('ingresses');
const svcBackend = (name: string, port: { name?: string; number?: number }): IngressSpec['defaultBackend'] => ({ service: { name, port } });

const ROUTES: IngressSpec = {
  tls: [{ hosts: ['secure.example.com'], secretName: 'secure-tls' }],
  rules: [
    { host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svcBackend('web', { name: 'http' })! }] } },
    { host: 'secure.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svcBackend('web', { number: 80 })! }] } },
    {
      host: '*.apps.example.com',
      http: {
        paths: [
          { path: '/api', pathType: 'Prefix', backend: svcBackend('api', { number: 8080 })! },
          { path: '/exact', pathType: 'Exact', backend: svcBackend('web', { number: 80 })! },
        ],
      },
    },
    { host: 'empty.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svcBackend('empty', { number: 80 })! }] } },
    { host: 'dead.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svcBackend('dead', { number: 80 })! }] } },
    { host: 'missing.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svcBackend('nosuch', { number: 80 })! }] } },
    { http: { paths: [{ path: '/api', pathType: 'Prefix', backend: svcBackend('api', { number: 8080 })! }] } },
  ],
};

beforeAll(async () => {
  cluster = await startTestCluster();
  await service('web', { name: 'http', port: 80 }, [await backend('web-a'), await backend('web-b')]);
  await service('api', { port: 8080 }, [await backend('api')]);
  await service('empty', { port: 80 }, [await backend('never')], true);
  await service('dead', { port: 80 }, [await freePort()]);
  secureCert = await createSelfSignedServingCert('secure', ['secure.example.com'], []);
  await cluster.client.resource<Secret>('secrets').create({
    metadata: { name: 'secure-tls', namespace: NS }, type: 'kubernetes.io/tls',
    data: { 'tls.crt': Buffer.from(secureCert.cert).toString('base64'), 'tls.key': Buffer.from(secureCert.key).toString('base64') },
  });
  await ingresses().create({ metadata: { name: 'routes', namespace: NS }, spec: ROUTES });
  proxy = await startIngressProxy({ client: cluster.newClient(), host: '127.0.0.1', httpPort: 0, httpsPort: 0 });
});

afterAll(async () => {
  await proxy?.stop();
  for (const server of backends) {
    server.closeAllConnections();
    server.close();
  }
  await cluster?.stop();
});

describe('ingress proxy routing', () => {
  it('routes by exact host and spreads requests over the ready endpoints, by service port name', async () => {
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add((await echo('web.example.com', '/anything')).name);
    expect([...names].sort()).toEqual(['web-a', 'web-b']);
  });

  it('routes a wildcard host by path: Prefix by elements, Exact only on the path itself', async () => {
    expect((await echo('x.apps.example.com', '/api/v1/users?id=1')).name).toBe('api');
    expect((await echo('x.apps.example.com', '/api/v1/users?id=1')).path).toBe('/api/v1/users?id=1');
    expect((await get('x.apps.example.com', '/apix')).status).toBe(404);
    expect((await echo('y.apps.example.com', '/exact')).name).toMatch(/^web-/);
    expect((await get('y.apps.example.com', '/exact/more')).status).toBe(404);
    // The wildcard covers one label only; deeper names fall to the host-less rule.
    expect((await echo('a.b.apps.example.com', '/api')).name).toBe('api');
  });

  it('answers 404 when no rule matches', async () => {
    const reply = await get('unknown.example.com', '/');
    expect(reply.status).toBe(404);
    expect(reply.body).toContain('no ingress rule');
  });

  it('answers 503 without ready endpoints or service, 502 when the endpoint refuses', async () => {
    expect(await get('empty.example.com', '/')).toMatchObject({ status: 503, body: expect.stringContaining('no ready endpoints') });
    expect((await get('missing.example.com', '/')).status).toBe(503);
    expect((await get('dead.example.com', '/')).status).toBe(502);
  });

  it('tells the backend about the original request in X-Forwarded-* headers', async () => {
    const { headers } = await echo('web.example.com', '/');
    expect(headers).toMatchObject({ host: 'web.example.com', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'web.example.com' });
  });
});

describe('ingress proxy TLS', () => {
  it('serves the certificate from the Ingress TLS secret for its host (SNI), verified by the client', async () => {
    const reply = await getTls('secure.example.com', '/', secureCert.cert);
    expect(reply.status).toBe(200);
    expect((JSON.parse(reply.body) as Echo).headers['x-forwarded-proto']).toBe('https');
    expect(reply.cert.subject.CN).toBe('secure');
  });

  it('serves the default certificate for other names, which the secret’s CA does not trust', async () => {
    await expect(getTls('web.example.com', '/', secureCert.cert)).rejects.toThrow();
    const reply = await getTls('web.example.com', '/', undefined);
    expect(reply.status).toBe(200);
    expect(reply.cert.subject.CN).toBe('cairn-ingress-default');
  });
});

describe('ingress proxy and the API', () => {
  it('publishes its address in the Ingress status, shown by kubectl get ingress', async () => {
    await waitFor('status address', async () => (await ingresses().get('routes', NS)).status?.loadBalancer?.ingress?.[0]?.ip === '127.0.0.1');
    const { stdout } = await run('kubectl', ['--kubeconfig', cluster.kubeconfig, 'get', 'ingress', '-n', NS], { timeout: 30_000 });
    const [header, row] = stdout.trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
    expect(row).toMatch(/^routes\s+<none>\s+web\.example\.com,secure\.example\.com,\*\.apps\.example\.com \+ 4 more\.\.\.\s+127\.0\.0\.1\s+80, 443\s+\d+s$/);
  });

  it('applies an Ingress update within 1 s', async () => {
    const rules = structuredClone(ROUTES.rules!);
    rules[0]!.http!.paths[0]!.backend = svcBackend('api', { number: 8080 })!;
    const started = Date.now();
    // A merge patch, so the proxy's own status writes cannot make this update conflict.
    await ingresses().patch('routes', { spec: { rules } }, 'application/merge-patch+json', NS);
    await waitFor('the new route', async () => (await echo('web.example.com', '/')).name === 'api', 1000);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('counts requests by ingress, service and code', async () => {
    const text = await proxy.metrics.registry.metrics();
    expect(text).toMatch(/cairn_ingress_requests_total\{namespace="default",ingress="routes",service="api",code="200"\} [1-9]/);
    expect(text).toMatch(/cairn_ingress_requests_total\{namespace="",ingress="",service="",code="404"\} [1-9]/);
    expect(text).toMatch(/cairn_ingress_requests_total\{namespace="default",ingress="routes",service="dead",code="502"\} 1/);
  });
});
