import type { ApiClient } from '../../control/client/client.js';
import { loadManifests } from '../manifests.js';
import { deleteObjects, type PropagationPolicy } from './apply.js';
import { resolveType } from './get.js';

export interface DeleteArgs {
  files: string[];
  typeName?: string;
  names: string[];
  namespace: string;
  ignoreNotFound: boolean;
  /** kubectl's --cascade: background (default), foreground or orphan. */
  cascade?: string;
}

const CASCADE: Record<string, PropagationPolicy> = { background: 'Background', foreground: 'Foreground', orphan: 'Orphan' };

function propagation(cascade: string | undefined): PropagationPolicy | undefined {
  if (cascade === undefined) return undefined;
  const policy = CASCADE[cascade];
  if (!policy) throw new Error(`invalid --cascade ${JSON.stringify(cascade)}: use background, foreground or orphan`);
  return policy;
}

/** `cairn delete -f FILE` or `cairn delete TYPE NAME...`. */
export async function deleteCommand(client: ApiClient, args: DeleteArgs, out: (line: string) => void): Promise<void> {
  const policy = propagation(args.cascade);
  if (args.files.length) {
    const objects = (await loadManifests(args.files)).map((m) => m.object);
    return deleteObjects(client, objects, args.namespace, out, args.ignoreNotFound, policy);
  }
  if (!args.typeName || !args.names.length) throw new Error('you must provide one or more resources by argument or filename (cairn delete TYPE NAME, or cairn delete -f FILE)');
  const type = resolveType(args.typeName);
  const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
  const objects = args.names.map((name) => ({ apiVersion, kind: type.kind, metadata: { name, namespace: args.namespace } }));
  return deleteObjects(client, objects, args.namespace, out, args.ignoreNotFound, policy);
}
