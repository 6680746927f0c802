/**
 * Scenario 2: `pods` pods of a Deployment all on one hollow node that is its own `cairn agent --sim`
 * process (lease renewed every second). The spare nodes that share its label stay cordoned until the pods
 * run there, so nothing else could have taken them. Then SIGKILL that process and time, from the kill: the node
 * going NotReady (Ready=Unknown) and tainted unreachable (detection), the first eviction, and all pods
 * Ready on other nodes.
 */
import { performance } from 'node:perf_hooks';
import type { Node, Pod } from '../../api/types/core.js';
import type { ApiClient } from '../../control/client/client.js';
import { TAINT_UNREACHABLE } from '../../control/controllers/nodelifecycle/node-health.js';
import type { BenchCluster } from '../lib/bench-cluster.js';
import { cpuShare, deployment, NS, pollUntil, progress, seconds } from './common.js';

const NAME = 'failover';
const POOL = { 'bench.cairn.dev/pool': 'failover' };
const POOL_LABEL = Object.entries(POOL).map(([k, v]) => `${k}=${v}`)[0]!;
const DOOMED = 'hollow-doomed-00001';

export interface FailureResult {
  notReadyMs: number;
  taintedMs: number;
  firstEvictionMs: number;
  readyElsewhereMs: number;
  cpu: string;
}

const isReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export async function killNode(cluster: BenchCluster, client: ApiClient, pods: number, spares: number, timeoutMs: number): Promise<FailureResult> {
  const nodes = client.resource<Node>('nodes');
  const podClient = client.resource<Pod>('pods');
  const listPods = async (): Promise<Pod[]> => (await podClient.list({ namespace: NS, labelSelector: `app=${NAME}` })).items;
  const agent = ['--kubeconfig', cluster.kubeconfig, 'agent', '--sim', '--label', POOL_LABEL];

  const setCordon = (names: string[], unschedulable: boolean): Promise<unknown> =>
    Promise.all(names.map((n) => nodes.patch(n, { spec: { unschedulable } })));
  const readyNodes = async (): Promise<string[]> => (await nodes.list({ labelSelector: POOL_LABEL })).items
    .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata.name!);

  const doomed = cluster.spawnCairn('hollow-doomed', [...agent, '--nodes', '1', '--name-prefix', 'doomed', '--lease-interval-ms', '1000']);
  cluster.spawnCairn('hollow-spare', [...agent, '--nodes', String(spares), '--name-prefix', 'spare', '--lease-interval-ms', '10000']);
  const spareNames = await pollUntil(`${spares + 1} failover-pool nodes Ready`, async () => {
    const ready = await readyNodes();
    return ready.length === spares + 1 ? ready.filter((n) => n !== DOOMED) : undefined;
  }, { everyMs: 200, timeoutMs: 60_000 });
  await setCordon(spareNames, true);
  await client.resource('deployments').create(deployment(NAME, pods, POOL));
  await pollUntil(`${pods} pods Ready on ${DOOMED}`, async () => {
    const ready = (await listPods()).filter((p) => p.spec.nodeName === DOOMED && isReady(p)).length;
    return ready === pods ? true : undefined;
  }, { everyMs: 500, timeoutMs, report: (ms) => progress(`failover pods starting, ${seconds(ms)}`) });
  await setCordon(spareNames, false);
  progress(`${pods} pods Ready on ${DOOMED}; ${spares} spare nodes uncordoned`);

  const cpuBefore = cluster.cpu();
  const t0 = performance.now();
  doomed.child!.kill('SIGKILL');
  progress(`killed ${DOOMED}'s agent (pid ${doomed.pid()})`);
  let notReadyMs = NaN;
  let taintedMs = NaN;
  let firstEvictionMs = NaN;
  let lastPods: Pod[] = [];
  const readyElsewhere = (): number => lastPods.filter((p) => p.spec.nodeName && p.spec.nodeName !== DOOMED && !p.metadata.deletionTimestamp && isReady(p)).length;
  const detection = pollUntil('detection', async () => {
    const node = await nodes.get(DOOMED);
    const now = performance.now() - t0;
    if (Number.isNaN(notReadyMs) && node.status?.conditions?.some((c) => c.type === 'Ready' && c.status !== 'True')) notReadyMs = now;
    if (Number.isNaN(taintedMs) && node.spec?.taints?.some((t) => t.key === TAINT_UNREACHABLE && t.effect === 'NoExecute')) taintedMs = now;
    return Number.isNaN(notReadyMs) || Number.isNaN(taintedMs) ? undefined : true;
  }, { everyMs: 100, timeoutMs });
  const replaced = pollUntil(`${pods} pods Ready elsewhere`, async () => {
    lastPods = await listPods();
    if (Number.isNaN(firstEvictionMs) && lastPods.some((p) => p.spec.nodeName === DOOMED && p.metadata.deletionTimestamp)) firstEvictionMs = performance.now() - t0;
    return readyElsewhere() >= pods ? true : undefined;
  }, {
    everyMs: 250, timeoutMs,
    report: (ms) => progress(`after kill ${seconds(ms)}: NotReady ${Number.isNaN(notReadyMs) ? 'no' : seconds(notReadyMs)}, tainted ${Number.isNaN(taintedMs) ? 'no' : seconds(taintedMs)}, ` +
      `evictions ${lastPods.filter((p) => p.spec.nodeName === DOOMED && p.metadata.deletionTimestamp).length}, Ready elsewhere ${readyElsewhere()}/${pods}`),
  }).then(() => performance.now() - t0);
  const [, readyElsewhereMs] = await Promise.all([detection, replaced]);
  return { notReadyMs, taintedMs, firstEvictionMs, readyElsewhereMs, cpu: cpuShare(cluster, cpuBefore, readyElsewhereMs) };
}
