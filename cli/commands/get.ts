import { stringify as toYaml } from 'yaml';
import { findResource } from '../../api/catalog.js';
import type { ApiObject, ObjectList, WatchEvent } from '../../api/meta.js';
import { typeDisplayName, type ResourceType } from '../../api/resources.js';
import { renderTable, type Table } from '../../api/printers/index.js';
import type { ApiClient } from '../../control/client/client.js';
import { errorFromResponse } from '../../control/client/transport.js';
import { responseLines } from '../../control/client/line-stream.js';

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json' | 'name';

export interface GetOptions {
  namespace: string;
  allNamespaces: boolean;
  output: OutputFormat;
  selector?: string;
  fieldSelector?: string;
  watch: boolean;
  noHeaders?: boolean;
}

export function parseOutput(text: string | undefined): OutputFormat {
  if (!text) return 'table';
  if (['wide', 'yaml', 'json', 'name'].includes(text)) return text as OutputFormat;
  throw new Error(`unable to match a printer suitable for the output format "${text}": allowed formats are json, name, wide, yaml`);
}

export function resolveType(name: string): ResourceType {
  const type = findResource(name);
  if (!type) throw new Error(`the server doesn't have a resource type "${name}"`);
  return type;
}

function listPath(client: ApiClient, type: ResourceType, opts: GetOptions, name?: string): string {
  const ns = type.namespaced && !opts.allNamespaces ? opts.namespace : undefined;
  const params = new URLSearchParams();
  if (opts.selector) params.set('labelSelector', opts.selector);
  const fields = [opts.fieldSelector, name && opts.watch ? `metadata.name=${name}` : ''].filter(Boolean).join(',');
  if (fields) params.set('fieldSelector', fields);
  const path = client.resource(type).path(ns, name && !opts.watch ? name : undefined);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

/** `cairn get TYPE [NAME...]`: kubectl's output formats, server-side tables, and -w streaming. */
export async function getCommand(client: ApiClient, typeName: string, names: string[], opts: GetOptions, out: (text: string) => void): Promise<void> {
  const type = resolveType(typeName);
  const targets = names.length ? names : [undefined];
  const objects: ApiObject[] = [];
  let table: Table | undefined;
  /** Where a watch resumes: right after what was printed, so no change in between is missed. */
  let printedVersion: string | undefined;
  for (const name of targets) {
    if (opts.output === 'table' || opts.output === 'wide') {
      const t = await client.transport.json<Table>('GET', listPath(client, type, { ...opts, watch: false }, name), undefined, { Accept: TABLE_ACCEPT });
      printedVersion ??= t.metadata.resourceVersion;
      if (table) table.rows.push(...t.rows);
      else table = t;
    } else if (name) {
      const obj = await client.resource(type).get(name, type.namespaced ? opts.namespace : undefined);
      printedVersion ??= obj.metadata.resourceVersion;
      objects.push(obj);
    } else {
      const list = await client.transport.json<ObjectList>('GET', listPath(client, type, { ...opts, watch: false }));
      printedVersion ??= list.metadata.resourceVersion;
      objects.push(...list.items);
    }
  }
  const namespaceColumn = opts.allNamespaces && type.namespaced;
  if (table) {
    if (table.rows.length === 0 && !opts.watch) {
      process.stderr.write(type.namespaced && !opts.allNamespaces ? `No resources found in ${opts.namespace} namespace.\n` : 'No resources found\n');
    } else {
      out(renderTable(table, { wide: opts.output === 'wide', namespaceColumn, noHeaders: opts.noHeaders }));
    }
  } else {
    out(formatObjects(type, objects, opts.output, names.length === 1));
  }
  if (opts.watch) await watchAndPrint(client, type, names[0], opts, out, printedVersion);
}

function formatObjects(type: ResourceType, objects: ApiObject[], output: OutputFormat, single: boolean): string {
  if (output === 'name') return objects.map((o) => `${typeDisplayName(type)}/${o.metadata.name}`).join('\n');
  const value = single ? objects[0] : { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objects };
  return output === 'json' ? JSON.stringify(value, null, 4) : toYaml(value).trimEnd();
}

async function watchAndPrint(client: ApiClient, type: ResourceType, name: string | undefined, opts: GetOptions, out: (text: string) => void, from?: string): Promise<void> {
  const tables = opts.output === 'table' || opts.output === 'wide';
  const path = listPath(client, type, opts, name);
  const sep = path.includes('?') ? '&' : '?';
  const res = await client.transport.open('GET', `${path}${sep}watch=true&resourceVersion=${from ?? ''}`, undefined, tables ? { Accept: TABLE_ACCEPT } : {});
  if ((res.statusCode ?? 0) >= 300) {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    throw errorFromResponse({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
  }
  for await (const line of responseLines(res)) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as WatchEvent<ApiObject | Table>;
    if (event.type === 'ERROR') throw new Error((event.object as unknown as { message?: string }).message ?? 'watch failed');
    if (event.type === 'BOOKMARK') continue;
    if (tables) {
      out(renderTable(event.object as Table, { wide: opts.output === 'wide', namespaceColumn: opts.allNamespaces && type.namespaced, noHeaders: true }));
    } else {
      out(formatObjects(type, [event.object as ApiObject], opts.output, true) + (opts.output === 'yaml' ? '\n---' : ''));
    }
  }
}
