import type { Scale } from '../../api/types/apps.js';
import type { ApiClient } from '../../control/client/client.js';
import { resolveType } from './get.js';

/** `TYPE NAME...` or `TYPE/NAME...` as kubectl takes them, into the type and the names. */
export function parseScaleTargets(args: readonly string[]): { typeName: string; names: string[] } {
  const [first, ...rest] = args;
  if (!first) throw new Error('you must specify the type and name of the resource to scale, e.g. cairn scale rs web --replicas 3');
  if (!first.includes('/')) {
    if (!rest.length) throw new Error(`you must specify the name of the ${first} to scale`);
    return { typeName: first, names: rest };
  }
  const targets = args.map((a) => a.split('/'));
  if (targets.some((t) => t.length !== 2 || !t[0] || !t[1] || t[0] !== targets[0]![0])) throw new Error('use TYPE/NAME for every resource, all of one type');
  return { typeName: targets[0]![0]!, names: targets.map((t) => t[1]!) };
}

export function parseReplicas(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`--replicas must be a whole number >= 0, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** `cairn scale TYPE NAME --replicas N`: sets spec.replicas through the scale subresource, as kubectl scale does. */
export async function scaleCommand(client: ApiClient, args: readonly string[], replicas: number, namespace: string, out: (line: string) => void): Promise<void> {
  const { typeName, names } = parseScaleTargets(args);
  const type = resolveType(typeName);
  if (!type.subresources.includes('scale')) throw new Error(`${type.plural} cannot be scaled`);
  const resource = client.resource<Scale>(type);
  for (const name of names) {
    await resource.patch(name, { spec: { replicas } }, 'application/merge-patch+json', type.namespaced ? namespace : undefined, 'scale');
    out(`${type.kind.toLowerCase()}${type.group ? `.${type.group}` : ''}/${name} scaled`);
  }
}
