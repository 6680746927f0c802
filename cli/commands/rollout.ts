/**
 * `cairn rollout status|history|undo|pause|resume|restart` for Deployments, doing what kubectl rollout does
 * against the same fields and annotations, so the two can be used interchangeably.
 */
import { labelSelectorFromObject, selectorToString } from '../../api/selectors.js';
import type { Deployment, ReplicaSet } from '../../api/types/apps.js';
import type { ApiClient } from '../../control/client/client.js';
import {
  CHANGE_CAUSE_ANNOTATION, NOT_COPIED_ANNOTATIONS, POD_TEMPLATE_HASH_LABEL, RESTARTED_AT_ANNOTATION,
} from '../../control/controllers/deployment/constants.js';
import { equalIgnoreHash, revisionOf } from '../../control/controllers/deployment/replica-sets.js';
import { describePodTemplate } from '../describe/container.js';
import { alignCells } from '../describe/tabwriter.js';
import { DescribeWriter } from '../describe/writer.js';
import { parseDuration } from './logs.js';
import { deploymentRolloutState } from './rollout-status.js';

const DEPLOYMENT_NAMES = new Set(['deployment', 'deployments', 'deploy', 'deployment.apps', 'deployments.apps']);

/** `deployment/NAME` or `deployment NAME` → NAME; only Deployments roll out here. */
export function deploymentName(typeOrRef: string, name?: string): string {
  const [type, ref] = typeOrRef.includes('/') ? typeOrRef.split('/', 2) as [string, string] : [typeOrRef, name];
  if (!DEPLOYMENT_NAMES.has(type.toLowerCase())) throw new Error(`no rollout support for "${type}": only deployments`);
  if (!ref) throw new Error('a deployment name is required, e.g. deployment/web');
  return ref;
}

/** `--timeout`: a Go-style duration, 0 for no limit. */
export function parseTimeout(text: string | undefined): number | undefined {
  if (!text || /^0+[hms]?$/.test(text)) return undefined;
  return parseDuration(text) * 1000;
}

export interface StatusOptions { namespace: string; timeoutMs?: number; watch: boolean }

/** Prints progress lines as the Deployment changes until the rollout finishes; throws when it fails or the timeout passes. */
export async function rolloutStatus(client: ApiClient, name: string, opts: StatusOptions, out: (text: string) => void): Promise<void> {
  const deployments = client.resource<Deployment>('deployments');
  const deadline = opts.timeoutMs !== undefined ? Date.now() + opts.timeoutMs : Infinity;
  let last = '';
  const show = (d: Deployment): boolean => {
    const state = deploymentRolloutState(d);
    if (state.error) throw new Error(state.error);
    if (state.message !== last) out(state.message);
    last = state.message;
    return state.done;
  };
  // A watch may end (server timeout): look again and watch anew from where the read left off.
  for (;;) {
    const d = await deployments.get(name, opts.namespace);
    if (show(d) || !opts.watch) return;
    const finished = await new Promise<boolean>((resolve, reject) => {
      const remaining = deadline - Date.now();
      const timer = Number.isFinite(remaining) ? setTimeout(() => { handle.stop(); reject(new Error('timed out waiting for the condition')); }, Math.max(0, remaining)) : undefined;
      const end = (fn: () => void): void => { clearTimeout(timer); handle.stop(); fn(); };
      const handle = deployments.watch({ namespace: opts.namespace, fieldSelector: `metadata.name=${name}`, resourceVersion: d.metadata.resourceVersion }, (event) => {
        try {
          if (event.type === 'DELETED') end(() => reject(new Error(`deployment "${name}" was deleted`)));
          else if ((event.type === 'ADDED' || event.type === 'MODIFIED') && show(event.object)) end(() => resolve(true));
        } catch (err) {
          end(() => reject(err));
        }
      });
      handle.done.then(() => end(() => resolve(false)), (err: unknown) => end(() => reject(err)));
    });
    if (finished) return;
  }
}

/** The ReplicaSets the Deployment controls (selector match and controllerRef), as kubectl finds them. */
async function replicaSetsOf(client: ApiClient, d: Deployment): Promise<ReplicaSet[]> {
  const list = await client.resource<ReplicaSet>('replicasets').list({ namespace: d.metadata.namespace, labelSelector: selectorToString(d.spec.selector) });
  const selector = labelSelectorFromObject(d.spec.selector);
  return list.items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid) && selector.matches(rs.metadata.labels ?? {}));
}

/** REVISION / CHANGE-CAUSE per revision; with `revision`, that revision's pod template. */
export async function rolloutHistory(client: ApiClient, name: string, namespace: string, revision: number | undefined, out: (text: string) => void): Promise<void> {
  const d = await client.resource<Deployment>('deployments').get(name, namespace);
  const byRevision = new Map<number, ReplicaSet>();
  for (const rs of await replicaSetsOf(client, d)) if (revisionOf(rs) > 0) byRevision.set(revisionOf(rs), rs);
  if (revision !== undefined && revision > 0) {
    const rs = byRevision.get(revision);
    if (!rs) throw new Error(`unable to find the specified revision`);
    const w = new DescribeWriter();
    const template = structuredClone(rs.spec.template);
    const changeCause = rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
    if (changeCause) template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, [CHANGE_CAUSE_ANNOTATION]: changeCause } };
    describePodTemplate(w, template);
    out(`deployment.apps/${name} with revision #${revision}\n${w.toString()}`);
    return;
  }
  const rows = [['REVISION', 'CHANGE-CAUSE'], ...[...byRevision.keys()].sort((a, b) => a - b)
    .map((r) => [String(r), byRevision.get(r)!.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] || '<none>'])];
  out(`deployment.apps/${name} \n${alignCells(rows, 2).join('\n')}\n\n`);
}

/** The ReplicaSet of `toRevision`, or (0) of the revision before the latest. */
function revisionToRestore(name: string, replicaSets: ReplicaSet[], toRevision: number): ReplicaSet {
  if (toRevision > 0) {
    const rs = replicaSets.find((r) => revisionOf(r) === toRevision);
    if (!rs) throw new Error(`unable to find specified revision ${toRevision} in history`);
    return rs;
  }
  const sorted = replicaSets.filter((r) => revisionOf(r) > 0).sort((a, b) => revisionOf(b) - revisionOf(a));
  if (sorted.length < 2) throw new Error(`no rollout history found for deployment "${name}"`);
  return sorted[1]!;
}

/** Copies a revision's template (without the hash label) and annotations back into the Deployment, as kubectl does. */
export async function rolloutUndo(client: ApiClient, name: string, namespace: string, toRevision: number, out: (text: string) => void): Promise<void> {
  const deployments = client.resource<Deployment>('deployments');
  const d = await deployments.get(name, namespace);
  if (d.spec.paused) throw new Error(`you cannot rollback a paused deployment; resume it first with 'cairn rollout resume deployment/${name}' and try again`);
  const rs = revisionToRestore(name, await replicaSetsOf(client, d), toRevision);
  if (equalIgnoreHash(rs.spec.template, d.spec.template)) {
    out(`deployment.apps/${name} skipped rollback (current template already matches revision ${revisionOf(rs)})`);
    return;
  }
  const template = structuredClone(rs.spec.template);
  const labels = { ...template.metadata?.labels };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  template.metadata = { ...template.metadata, labels };
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (NOT_COPIED_ANNOTATIONS.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!NOT_COPIED_ANNOTATIONS.has(k)) annotations[k] = v;
  await deployments.patch(name, [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ], 'application/json-patch+json', namespace);
  out(`deployment.apps/${name} rolled back`);
}

export type RolloutVerb = 'pause' | 'resume' | 'restart';

/** pause / resume flip spec.paused; restart stamps the template so every pod is replaced. */
export async function rolloutPatch(client: ApiClient, verb: RolloutVerb, name: string, namespace: string, out: (text: string) => void, now = new Date()): Promise<void> {
  const deployments = client.resource<Deployment>('deployments');
  const d = await deployments.get(name, namespace);
  const paused = !!d.spec.paused;
  let patch: object;
  if (verb === 'pause') {
    if (paused) throw new Error(`deployments.apps "${name}" is already paused`);
    patch = { spec: { paused: true } };
  } else if (verb === 'resume') {
    if (!paused) throw new Error(`deployments.apps "${name}" is not paused`);
    patch = { spec: { paused: null } };
  } else {
    if (paused) throw new Error(`can't restart paused deployment (run rollout resume first)`);
    patch = { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: now.toISOString().replace(/\.\d+Z$/, 'Z') } } } } };
  }
  await deployments.patch(name, patch, 'application/merge-patch+json', namespace);
  out(`deployment.apps/${name} ${verb === 'pause' ? 'paused' : verb === 'resume' ? 'resumed' : 'restarted'}`);
}
