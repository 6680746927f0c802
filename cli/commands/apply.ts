import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/meta.js';
import { resourceForKind } from '../../api/catalog.js';
import { typeDisplayName } from '../../api/resources.js';
import type { ApiClient } from '../../control/client/client.js';
import { loadManifests } from '../manifests.js';
import { threeWayMergePatch } from '../three-way-patch.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The object's type as kubectl prints it: `deployment.apps`, `service`. */
function typeNameOf(obj: ApiObject): string {
  const type = resourceForKind(obj.apiVersion, obj.kind);
  return type ? typeDisplayName(type) : (obj.kind ?? '').toLowerCase();
}

/** `deployment.apps/web`, `service/web`. */
export function qualifiedName(obj: ApiObject): string {
  return `${typeNameOf(obj)}/${obj.metadata.name}`;
}

function resourceOf(client: ApiClient, obj: ApiObject) {
  const type = resourceForKind(obj.apiVersion, obj.kind);
  if (!type) throw new Error(`no resource "${obj.kind}" in version "${obj.apiVersion}": is the apiVersion right?`);
  return client.resource(type);
}

/** Client-side apply, compatible with kubectl's: creates, or patches with a three-way merge against the last applied configuration. */
export async function applyObject(client: ApiClient, obj: ApiObject, defaultNamespace: string): Promise<'created' | 'configured' | 'unchanged'> {
  const resource = resourceOf(client, obj);
  const namespace = resource.ref.namespaced ? obj.metadata.namespace ?? defaultNamespace : undefined;
  const desired: ApiObject = structuredClone(obj);
  if (namespace) desired.metadata.namespace = namespace;
  const annotations = { ...(desired.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  const applied = JSON.stringify({ ...desired, metadata: { ...desired.metadata, annotations: Object.keys(annotations).length ? annotations : undefined } });
  desired.metadata.annotations = { ...annotations, [LAST_APPLIED]: applied + '\n' };
  let live: ApiObject;
  try {
    live = await resource.get(desired.metadata.name!, namespace);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) {
      await resource.create(desired);
      return 'created';
    }
    throw err;
  }
  const lastText = live.metadata.annotations?.[LAST_APPLIED];
  const last = lastText ? JSON.parse(lastText) as unknown : {};
  const patch = threeWayMergePatch(last, desired, live);
  if (!Object.keys(patch).length) return 'unchanged';
  const updated = await resource.patch(desired.metadata.name!, patch, 'application/merge-patch+json', namespace);
  return updated.metadata.resourceVersion === live.metadata.resourceVersion ? 'unchanged' : 'configured';
}

export async function applyCommand(client: ApiClient, files: string[], namespace: string, out: (line: string) => void): Promise<void> {
  const manifests = await loadManifests(files);
  if (!manifests.length) throw new Error(`no objects passed to apply (checked ${files.join(', ')})`);
  const failures: string[] = [];
  for (const { object, source } of manifests) {
    try {
      const result = await applyObject(client, object, namespace);
      out(`${qualifiedName(object)} ${result}`);
    } catch (err) {
      failures.push(`${source}: ${qualifiedName(object)}: ${(err as Error).message}`);
    }
  }
  if (failures.length) throw new Error(failures.join('\n'));
}

/** kubectl's --cascade values map to these (background is the default). */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export async function deleteObjects(client: ApiClient, objects: ApiObject[], namespace: string, out: (line: string) => void, ignoreNotFound = false, propagationPolicy?: PropagationPolicy): Promise<void> {
  const failures: string[] = [];
  for (const obj of objects) {
    const resource = resourceOf(client, obj);
    const ns = resource.ref.namespaced ? obj.metadata.namespace ?? namespace : undefined;
    try {
      await resource.delete(obj.metadata.name!, ns, propagationPolicy ? { propagationPolicy } : {});
      out(`${typeNameOf(obj)} "${obj.metadata.name}" deleted`);
    } catch (err) {
      if (ignoreNotFound && err instanceof ApiError && err.code === 404) continue;
      failures.push((err as Error).message);
    }
  }
  if (failures.length) throw new Error(failures.join('\n'));
}
