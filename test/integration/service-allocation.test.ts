import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Service } from '../../api/types/core.js';
import { ApiClient } from '../../control/client/client.js';
import { RegistryServer } from '../../control/registry/server.js';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { freePort } from '../harness/ports.js';

const run = promisify(execFile);
let cluster: TestCluster;
beforeAll(async () => { cluster = await startTestCluster(); });
afterAll(async () => { await cluster?.stop(); });

const services = (client = cluster.client) => client.resource<Service>('services');

function service(name: string, spec: Partial<Service['spec']> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } };
}

/** 10.96.0.0/12 without its network and broadcast addresses. */
function inServiceRange(ip: string | undefined): boolean {
  const [a, b, c, d] = (ip ?? '').split('.').map(Number);
  return a === 10 && b! >= 96 && b! <= 111 && !(b === 96 && c === 0 && d === 0) && !(b === 111 && c === 255 && d === 255);
}

async function etcdctl(...args: string[]): Promise<string> {
  const { stdout } = await run('etcdctl', ['--endpoints', cluster.etcd.endpoint, ...args]);
  return stdout;
}

describe('Service cluster IP allocation', () => {
  it('gives a ClusterIP service a free IP from the service CIDR, mirrored in clusterIPs, single-stack IPv4', async () => {
    const created = await services().create(service('alloc-basic'));
    expect(inServiceRange(created.spec.clusterIP)).toBe(true);
    expect(created.spec.clusterIPs).toEqual([created.spec.clusterIP]);
    expect(created.spec).toMatchObject({ ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    expect((await services().get('alloc-basic', 'default')).spec.clusterIP).toBe(created.spec.clusterIP);
  });

  it('gives 50 services created at once 50 distinct IPs', async () => {
    const created = await Promise.all(Array.from({ length: 50 }, (_, i) => services().create(service(`alloc-many-${i}`))));
    const ips = created.map((s) => s.spec.clusterIP);
    expect(ips.every(inServiceRange)).toBe(true);
    expect(new Set(ips).size).toBe(50);
  });

  it('gives a headless service no IP and an ExternalName service nothing', async () => {
    const headless = await services().create(service('alloc-headless', { clusterIP: 'None' }));
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.clusterIPs).toEqual(['None']);
    const external = await services().create(service('alloc-external', { type: 'ExternalName', externalName: 'db.example.com', ports: [] }));
    expect(external.spec.clusterIP).toBeUndefined();
    expect(external.spec.clusterIPs).toBeUndefined();
  });

  it('refuses an explicit IP that is taken or out of range with 422, and frees an IP when its service goes', async () => {
    const first = await services().create(service('alloc-fixed-a', { clusterIP: '10.96.0.10' }));
    expect(first.spec.clusterIPs).toEqual(['10.96.0.10']);
    await expect(services().create(service('alloc-fixed-b', { clusterIP: '10.96.0.10' }))).rejects.toMatchObject({
      code: 422, reason: 'Invalid',
      message: 'Service "alloc-fixed-b" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    });
    await expect(services().create(service('alloc-fixed-c', { clusterIP: '10.0.0.10' }))).rejects.toMatchObject({
      code: 422, message: expect.stringContaining('provided IP (10.0.0.10) is not in the valid range. The range of valid IPs is 10.96.0.0/12'),
    });
    await expect(services().create(service('alloc-fixed-d', { clusterIP: '10.96.0.0' }))).rejects.toMatchObject({ code: 422 });

    await services().delete('alloc-fixed-a', 'default');
    const again = await services().create(service('alloc-fixed-b', { clusterIP: '10.96.0.10' }));
    expect(again.spec.clusterIP).toBe('10.96.0.10');
  });

  it('keeps the IP immutable on update, and keeps it when a PUT leaves it out', async () => {
    const created = await services().create(service('alloc-immutable'));
    await expect(services().update({ ...created, spec: { ...created.spec, clusterIP: '10.96.0.77', clusterIPs: ['10.96.0.77'] } })).rejects.toMatchObject({
      code: 422, message: expect.stringContaining('spec.clusterIP: Invalid value: "10.96.0.77": field is immutable'),
    });
    const { clusterIP: _ip, clusterIPs: _ips, ...rest } = created.spec;
    const updated = await services().update({ ...created, spec: { ...rest, selector: { app: 'other' } } });
    expect(updated.spec.clusterIP).toBe(created.spec.clusterIP);
  });

  it('releases the IP when a service becomes ExternalName and allocates one when it turns back', async () => {
    const created = await services().create(service('alloc-retype', { clusterIP: '10.96.0.20' }));
    const external = await services().patch('alloc-retype', { spec: { type: 'ExternalName', externalName: 'x.example.com', ports: null, selector: null } }, undefined, 'default');
    expect(external.spec.clusterIP).toBeUndefined();
    const taker = await services().create(service('alloc-retype-taker', { clusterIP: created.spec.clusterIP }));
    expect(taker.spec.clusterIP).toBe('10.96.0.20');
    const back = await services().patch('alloc-retype', { spec: { type: 'ClusterIP', externalName: null, ports: [{ port: 80 }] } }, undefined, 'default');
    expect(inServiceRange(back.spec.clusterIP)).toBe(true);
    expect(back.spec.clusterIP).not.toBe('10.96.0.20');
  });
});

describe('Service node port allocation', () => {
  it('gives each NodePort port a free port in 30000-32767 and refuses a taken one with 422', async () => {
    const created = await services().create(service('np-a', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'admin', port: 81, nodePort: 30500 }] }));
    const [http, admin] = created.spec.ports!;
    expect(http!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(http!.nodePort).toBeLessThanOrEqual(32767);
    expect(admin!.nodePort).toBe(30500);
    await expect(services().create(service('np-b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30500 }] }))).rejects.toMatchObject({
      code: 422, message: 'Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: 30500: provided port is already allocated',
    });
    await expect(services().create(service('np-c', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] }))).rejects.toMatchObject({
      code: 422, message: expect.stringContaining('provided port is not in the valid range. The range of valid ports is 30000-32767'),
    });
    // A failed create holds nothing: its cluster IP and ports are free for the next one.
    await services().delete('np-a', 'default');
    expect((await services().create(service('np-b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30500 }] }))).spec.ports![0]!.nodePort).toBe(30500);
  });

  it('releases node ports when the type changes to ClusterIP and allocates them when it changes back', async () => {
    await services().create(service('np-retype', { type: 'NodePort', ports: [{ port: 80, nodePort: 30600 }] }));
    const plain = await services().patch('np-retype', { spec: { type: 'ClusterIP' } }, undefined, 'default');
    expect(plain.spec.ports![0]!.nodePort).toBeUndefined();
    await services().create(service('np-retype-taker', { type: 'NodePort', ports: [{ port: 80, nodePort: 30600 }] }));
    const back = await services().patch('np-retype', { spec: { type: 'NodePort' } }, undefined, 'default');
    expect(back.spec.ports![0]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(back.spec.ports![0]!.nodePort).not.toBe(30600);
  });
});

describe('allocations live in etcd', () => {
  it('survive a registry restart, which also repairs keys that disagree with the services', async () => {
    await services().create(service('persist-a', { clusterIP: '10.96.0.30', type: 'NodePort', ports: [{ port: 80, nodePort: 30700 }] }));
    const prefix = '/registry/allocations/';
    expect(await etcdctl('get', `${prefix}serviceips/10.96.0.30`, '--print-value-only')).toContain('"name":"persist-a"');
    // A key no service holds (a crash artefact) and a held IP whose key went missing (data from before allocation).
    await etcdctl('put', `${prefix}serviceips/10.96.0.31`, '{}');
    await services().create(service('persist-b', { clusterIP: '10.96.0.32' }));
    await etcdctl('del', `${prefix}serviceips/10.96.0.32`);

    await cluster.restartRegistry();
    await expect(services().create(service('persist-c', { clusterIP: '10.96.0.30' }))).rejects.toMatchObject({ code: 422 });
    await expect(services().create(service('persist-c', { type: 'NodePort', ports: [{ port: 80, nodePort: 30700 }] }))).rejects.toMatchObject({ code: 422 });
    await expect(services().create(service('persist-c', { clusterIP: '10.96.0.32' }))).rejects.toMatchObject({ code: 422 });
    expect((await services().create(service('persist-c', { clusterIP: '10.96.0.31' }))).spec.clusterIP).toBe('10.96.0.31');
  });
});

describe('kubectl', () => {
  const kubectl = async (...args: string[]): Promise<string> =>
    (await run('kubectl', ['--kubeconfig', cluster.kubeconfig, ...args], { timeout: 30_000 })).stdout;
  /** `kubectl create service` sends protobuf, which the registry does not read: render it client-side, then create the YAML. */
  async function createService(...args: string[]): Promise<string> {
    const file = join(cluster.dir, `${args[1]}.yaml`);
    await writeFile(file, await kubectl('create', 'service', ...args, '--dry-run=client', '-o', 'yaml'));
    return kubectl('create', '-f', file);
  }

  it('create service clusterip and nodeport get an IP and a node port; a taken one is refused', async () => {
    expect(await createService('clusterip', 'kc-web', '--tcp=80:8080')).toContain('service/kc-web created');
    expect(inServiceRange(await kubectl('get', 'service', 'kc-web', '-o', 'jsonpath={.spec.clusterIP}'))).toBe(true);
    await createService('nodeport', 'kc-np', '--tcp=80:8080', '--node-port=31234');
    expect(await kubectl('get', 'service', 'kc-np', '-o', 'jsonpath={.spec.ports[0].nodePort}')).toBe('31234');
    await expect(createService('nodeport', 'kc-np2', '--tcp=80:8080', '--node-port=31234'))
      .rejects.toThrow(/spec.ports\[0\].nodePort: Invalid value: 31234: provided port is already allocated/);
  });
});

describe('two registries on one etcd', () => {
  async function secondRegistry(serviceCIDR?: string): Promise<{ client: ApiClient; stop(): Promise<void> }> {
    const port = await freePort();
    const registry = new RegistryServer({
      etcdEndpoints: [cluster.etcd.endpoint], host: '127.0.0.1', port, serviceCIDR,
      tls: { cert: cluster.pki.serverCert, key: cluster.pki.serverKey }, tokens: [cluster.pki.adminToken], compactionIntervalMs: 0, log: () => {},
    });
    await registry.start();
    const client = new ApiClient({ server: `https://127.0.0.1:${port}`, ca: cluster.pki.caCert, token: cluster.pki.adminToken });
    return { client, async stop() { client.close(); await registry.stop(); } };
  }

  it('let exactly one of two creates asking for the same IP win', async () => {
    const second = await secondRegistry();
    try {
      const ips = Array.from({ length: 20 }, (_, i) => `10.96.0.${i + 1}`);
      const results = await Promise.allSettled(ips.flatMap((ip, i) => [
        services().create(service(`race-a-${i}`, { clusterIP: ip })),
        services(second.client).create(service(`race-b-${i}`, { clusterIP: ip })),
      ]));
      const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.spec.clusterIP!] : []));
      const free = ips.filter((ip) => ip !== '10.96.0.10' && ip !== '10.96.0.20'); // held since earlier tests
      expect(won.sort()).toEqual(free.sort());
      for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/provided IP is already allocated/);
    } finally {
      await second.stop();
    }
  });

  it('never hand one IP out twice when both pick from a nearly full range at once', async () => {
    // 62 usable addresses, 46 outside the static band: two processes whose hints know nothing of each other's picks collide often.
    const cidr = '10.100.0.0/26';
    await cluster.restartRegistry({ serviceCIDR: cidr });
    const second = await secondRegistry(cidr);
    try {
      const created = await Promise.all(Array.from({ length: 46 }, (_, i) =>
        services(i % 2 ? second.client : cluster.client).create(service(`race-pick-${i}`))));
      const ips = created.map((s) => s.spec.clusterIP!);
      expect(new Set(ips).size).toBe(46);
      expect(ips.every((ip) => /^10\.100\.0\.(\d+)$/.test(ip) && Number(ip.split('.')[3]) >= 17 && Number(ip.split('.')[3]) <= 62)).toBe(true);
    } finally {
      await second.stop();
      await cluster.restartRegistry();
    }
  });
});
