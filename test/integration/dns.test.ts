/**
 * Cluster DNS against a real registry, queried with the real `dig`: service, headless, SRV, PTR, pod and
 * negative answers, forwarding to an upstream, updates within a second, and a pod's search path.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decode, encode } from 'dns-packet';
import type { Endpoints, Pod, Service } from '../../api/types/core.js';
import { startClusterDns, type ClusterDns } from '../../dataplane/dns/cluster-dns.js';
import { parseResolvConf, podResolvConf, renderResolvConf } from '../../agent/pods/pod-dns.js';
import { startTestCluster, TEST_PREFIX, type TestCluster } from '../harness/cluster.js';
import { waitFor } from '../harness/wait.js';

const run = promisify(execFile);
const NS = 'default';
const ZONE = 'cluster.local';
const UPSTREAM_NAME = 'outside.example';
const UPSTREAM_IP = '192.0.2.44';

let cluster: TestCluster;
let dns: ClusterDns;
let lonely: ClusterDns;
let upstream: Socket;
let dir: string;
let webIP: string;

/** `dig +short` lines, or the status with `full`. */
async function dig(port: number, args: string[]): Promise<string[]> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+time=2', '+short', ...args]);
  return stdout.split('\n').filter(Boolean).sort();
}

async function digStatus(port: number, name: string, type = 'A'): Promise<string> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+tries=1', '+time=3', name, type]);
  return /status: (\w+)/.exec(stdout)?.[1] ?? stdout;
}

/** A one-name authoritative server standing in for the resolver outside the cluster. */
async function startUpstream(): Promise<Socket> {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const q = decode(msg);
    const question = q.questions?.[0];
    const known = question?.name.toLowerCase() === UPSTREAM_NAME && question.type === 'A';
    const reply = encode({
      type: 'response', id: q.id, flags: known ? 0 : 3, questions: q.questions,
      answers: known ? [{ type: 'A', name: question.name, ttl: 30, data: UPSTREAM_IP }] : [],
    });
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  return sock;
}

const endpoints = (name: string, ips: string[], hostnames: Record<string, string> = {}): Endpoints => ({
  apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: NS },
  subsets: [{ addresses: ips.map((ip) => ({ ip, ...(hostnames[ip] ? { hostname: hostnames[ip] } : {}) })), ports: [{ name: 'pg', port: 5432 }] }],
});

beforeAll(async () => {
  cluster = await startTestCluster();
  dir = await mkdtemp(join(tmpdir(), TEST_PREFIX));
  const services = cluster.client.resource<Service>('services');
  const web = await services.create({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS },
    spec: { clusterIP: '10.96.7.20', ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  webIP = web.spec.clusterIP!;
  await services.create({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: NS },
    spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] },
  });
  const eps = cluster.client.resource<Endpoints>('endpoints');
  await eps.create(endpoints('db', ['10.244.1.5', '10.244.2.6'], { '10.244.1.5': 'db-0' }));
  upstream = await startUpstream();
  const upstreamPort = (upstream.address()).port;
  dns = await startClusterDns({ client: cluster.client, host: '127.0.0.1', port: 0, zone: ZONE, upstream: `127.0.0.1:${upstreamPort}`, metricsPort: 0 });
  lonely = await startClusterDns({ client: cluster.newClient(), host: '127.0.0.1', port: 0, zone: ZONE });
}, 60_000);

afterAll(async () => {
  await dns?.stop();
  await lonely?.stop();
  upstream?.close();
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('cluster DNS', () => {
  it('answers a service name with its ClusterIP', async () => {
    expect(webIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\./);
    expect(await dig(dns.port, [`web.${NS}.svc.${ZONE}`, 'A'])).toEqual([webIP]);
    expect(await dig(dns.port, [`web.${NS}.svc.${ZONE}`, 'A', '+tcp'])).toEqual([webIP]);
  });

  it('answers a headless service with every ready endpoint, and endpoint hostnames', async () => {
    expect(await dig(dns.port, [`db.${NS}.svc.${ZONE}`, 'A'])).toEqual(['10.244.1.5', '10.244.2.6']);
    expect(await dig(dns.port, [`db-0.db.${NS}.svc.${ZONE}`, 'A'])).toEqual(['10.244.1.5']);
  });

  it('answers SRV for named ports', async () => {
    expect(await dig(dns.port, [`_http._tcp.web.${NS}.svc.${ZONE}`, 'SRV'])).toEqual([`0 100 80 web.${NS}.svc.${ZONE}.`]);
    expect(await dig(dns.port, [`_pg._tcp.db.${NS}.svc.${ZONE}`, 'SRV'])).toEqual([
      `0 50 5432 10-244-2-6.db.${NS}.svc.${ZONE}.`, `0 50 5432 db-0.db.${NS}.svc.${ZONE}.`,
    ]);
  });

  it('answers PTR for ClusterIPs and endpoint IPs, and pod names', async () => {
    expect(await dig(dns.port, ['-x', webIP])).toEqual([`web.${NS}.svc.${ZONE}.`]);
    expect(await dig(dns.port, ['-x', '10.244.1.5'])).toEqual([`db-0.db.${NS}.svc.${ZONE}.`]);
    expect(await dig(dns.port, [`10-244-3-9.${NS}.pod.${ZONE}`, 'A'])).toEqual(['10.244.3.9']);
  });

  it('gives NXDOMAIN for unknown cluster names and NOERROR without records for AAAA', async () => {
    expect(await digStatus(dns.port, `nope.${NS}.svc.${ZONE}`)).toBe('NXDOMAIN');
    expect(await digStatus(dns.port, `web.${NS}.svc.${ZONE}`, 'AAAA')).toBe('NOERROR');
    expect(await dig(dns.port, [`web.${NS}.svc.${ZONE}`, 'AAAA'])).toEqual([]);
  });

  it('forwards names outside the zone to the upstream, and SERVFAILs them at once without one', async () => {
    expect(await dig(dns.port, [UPSTREAM_NAME, 'A'])).toEqual([UPSTREAM_IP]);
    expect(await digStatus(dns.port, 'missing.example')).toBe('NXDOMAIN');
    const started = Date.now();
    expect(await digStatus(lonely.port, UPSTREAM_NAME)).toBe('SERVFAIL');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reflects an Endpoints change within a second', async () => {
    const eps = cluster.client.resource<Endpoints>('endpoints');
    const current = await eps.get('db', NS);
    const changed = Date.now();
    await eps.update({ ...endpoints('db', ['10.244.4.8']), metadata: current.metadata });
    await waitFor('the new endpoint in DNS', async () => {
      const ips = await dig(dns.port, [`db.${NS}.svc.${ZONE}`, 'A']);
      return ips.length === 1 && ips[0] === '10.244.4.8';
    }, 5_000);
    expect(Date.now() - changed).toBeLessThan(1000);
  });

  it('resolves a short name through the search path of the resolv.conf a pod gets', async () => {
    const conf = join(dir, 'resolv.conf');
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: NS }, spec: { containers: [] } };
    await writeFile(conf, renderResolvConf(podResolvConf(pod, { nameserver: '127.0.0.1', domain: ZONE }, parseResolvConf(''))));
    // A private mount namespace, so only this dig sees the pod's resolv.conf.
    const script = `mount --bind ${conf} /etc/resolv.conf && dig @127.0.0.1 -p ${dns.port} +tries=1 +time=2 +search +short web A && dig @127.0.0.1 -p ${dns.port} +tries=1 +time=2 +search +short web.${NS} A`;
    const { stdout } = await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script]);
    expect(stdout.split('\n').filter(Boolean)).toEqual([webIP, webIP]);
  });

  it('counts queries and malformed packets in /metrics', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.send(Buffer.from('not a dns query'), dns.port, '127.0.0.1', () => resolve()));
    sock.close();
    const text = await waitFor('the malformed packet counted', async () => {
      const body = await (await fetch(`http://127.0.0.1:${dns.metricsPort}/metrics`)).text();
      return /cairn_dns_malformed_packets_total 1\b/.test(body) && body;
    }, 5_000);
    expect(text).toMatch(/cairn_dns_requests_total\{type="A"\} \d+/);
    expect(text).toMatch(/cairn_dns_responses_total\{rcode="NXDOMAIN"\} \d+/);
    expect(text).toMatch(/cairn_dns_request_duration_seconds_count \d+/);
    expect(await digStatus(dns.port, `web.${NS}.svc.${ZONE}`)).toBe('NOERROR');
  });
});
