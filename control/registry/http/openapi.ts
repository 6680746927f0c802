import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceType } from '../../../api/resources.js';

/**
 * A minimal OpenAPI v3 index, enough for kubectl to learn that every write accepts `fieldValidation`
 * and so delegate validation to the server (which is always strict about unknown fields).
 * Schemas are not published yet: `kubectl explain` is not supported.
 */
export class OpenApiV3 {
  private readonly docs = new Map<string, string>();
  private readonly root: string;

  constructor(resources: ResourceType[]) {
    const byGv = new Map<string, ResourceType[]>();
    for (const r of resources) {
      const key = r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
      byGv.set(key, [...(byGv.get(key) ?? []), r]);
    }
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [gv, list] of byGv) {
      const doc = JSON.stringify(groupVersionDoc(gv, list));
      this.docs.set(gv, doc);
      const hash = createHash('sha512').update(doc).digest('hex').slice(0, 32).toUpperCase();
      paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
    }
    this.root = JSON.stringify({ paths });
  }

  /** The body for an /openapi/v3 path, or undefined. */
  document(path: string): string | undefined {
    if (path === '/openapi/v3') return this.root;
    if (!path.startsWith('/openapi/v3/')) return undefined;
    return this.docs.get(path.slice('/openapi/v3/'.length));
  }
}

const queryParam = (name: string): object => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = [queryParam('dryRun'), queryParam('fieldManager'), queryParam('fieldValidation')];

function groupVersionDoc(gv: string, resources: ResourceType[]): object {
  const paths: Record<string, object> = {};
  for (const r of resources) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const operation = (action: string, params: object[] = WRITE_PARAMS): object => ({
      description: `${action} ${r.kind}`,
      operationId: `${action}${r.kind}`,
      parameters: params,
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    });
    const base = `/${gv}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
    paths[base] = { get: operation('list', []), post: operation('post') };
    paths[`${base}/{name}`] = { get: operation('get', []), put: operation('put'), patch: operation('patch'), delete: operation('delete', []) };
  }
  return { openapi: '3.0.0', info: { title: 'Cairn', version: apiVersionOf(resources[0]!) }, paths, components: { schemas: {} } };
}
