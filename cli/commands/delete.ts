import type { ApiClient } from '../../control/client/client.js';
import { loadManifests } from '../manifests.js';
import { deleteObjects } from './apply.js';
import { resolveType } from './get.js';

export interface DeleteArgs {
  files: string[];
  typeName?: string;
  names: string[];
  namespace: string;
  ignoreNotFound: boolean;
}

/** `cairn delete -f FILE` or `cairn delete TYPE NAME...`. */
export async function deleteCommand(client: ApiClient, args: DeleteArgs, out: (line: string) => void): Promise<void> {
  if (args.files.length) {
    const objects = (await loadManifests(args.files)).map((m) => m.object);
    return deleteObjects(client, objects, args.namespace, out, args.ignoreNotFound);
  }
  if (!args.typeName || !args.names.length) throw new Error('you must provide one or more resources by argument or filename (cairn delete TYPE NAME, or cairn delete -f FILE)');
  const type = resolveType(args.typeName);
  const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
  const objects = args.names.map((name) => ({ apiVersion, kind: type.kind, metadata: { name, namespace: args.namespace } }));
  return deleteObjects(client, objects, args.namespace, out, args.ignoreNotFound);
}
