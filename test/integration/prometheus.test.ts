import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../harness/cluster.js';
import { freePort } from '../harness/ports.js';
import { waitFor } from '../harness/wait.js';

/** The real Prometheus (Debian `prometheus`) scrapes the registry's /metrics over HTTPS with the cluster CA. */
let cluster: TestCluster;
let prometheus: ChildProcess | undefined;
let promUrl: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  const dir = cluster.dir;
  await writeFile(join(dir, 'ca.crt'), cluster.pki.caCert);
  await writeFile(join(dir, 'prometheus.yml'), [
    'global:',
    '  scrape_interval: 1s',
    'scrape_configs:',
    '  - job_name: cairn-registry',
    '    scheme: https',
    '    tls_config:',
    `      ca_file: ${join(dir, 'ca.crt')}`,
    '    static_configs:',
    `      - targets: ["${new URL(cluster.server).host}"]`,
    '',
  ].join('\n'));
  prometheus = spawn('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: 'ignore' });
});

afterAll(async () => {
  prometheus?.kill('SIGKILL');
  await cluster?.stop();
});

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  try {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return body.data?.result ?? [];
  } catch {
    return [];
  }
}

describe('Prometheus scraping the registry', () => {
  it('scrapes the target as healthy and sees request counts by verb, resource and code', async () => {
    await cluster.client.resource('configmaps').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'scraped', namespace: 'default' } });
    const up = await waitFor('the scrape target to be up', async () => {
      const r = await query('up{job="cairn-registry"}');
      return r.length && r[0]!.value[1] === '1' ? r : undefined;
    }, 30_000);
    expect(up[0]!.metric.instance).toBe(new URL(cluster.server).host);
    const creates = await waitFor('create counts', async () => {
      const r = await query('apiserver_request_total{verb="create",resource="configmaps",code="201"}');
      return r.length ? r : undefined;
    }, 30_000);
    expect(Number(creates[0]!.value[1])).toBeGreaterThanOrEqual(1);
    const objects = await query('apiserver_storage_objects{resource="namespaces"}');
    expect(Number(objects[0]!.value[1])).toBeGreaterThanOrEqual(4);
  });
});
