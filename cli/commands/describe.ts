import type { ApiObject, ObjectList } from '../../api/meta.js';
import type { ApiClient } from '../../control/client/client.js';
import { describeObject } from '../describe/index.js';
import { resolveType } from './get.js';

/** `cairn describe TYPE NAME`: the object plus the Events about it. */
export async function describeCommand(client: ApiClient, typeName: string, names: string[], namespace: string, out: (text: string) => void): Promise<void> {
  const type = resolveType(typeName);
  const ns = type.namespaced ? namespace : undefined;
  const objects: ApiObject[] = names.length
    ? await Promise.all(names.map((n) => client.resource(type).get(n, ns)))
    : (await client.resource(type).list({ namespace: ns })).items;
  const texts: string[] = [];
  for (const obj of objects) {
    const fieldSelector = [`involvedObject.name=${obj.metadata.name}`, `involvedObject.kind=${type.kind}`, ...(ns ? [`involvedObject.namespace=${ns}`] : [])].join(',');
    const events = (await client.resource('events').list({ namespace: ns ?? 'default', fieldSelector }) as ObjectList).items;
    texts.push(describeObject(obj, events, new Date()));
  }
  out(texts.join('\n\n'));
}
