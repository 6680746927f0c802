import type { IncomingMessage } from 'node:http';
import { badRequest } from '../../../api/errors.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** What a resource request addresses, parsed from its path as the Kubernetes API server does. */
export interface ResourceRequest {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  verb: Verb;
  query: URLSearchParams;
}

/** Namespace subresources, which share the `/namespaces/{name}/x` shape with namespaced resources. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Undefined for paths that are not resource paths (discovery, health, metrics). */
export function parseResourceRequest(method: string, url: URL): ResourceRequest | undefined {
  let segs: string[];
  try {
    segs = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw badRequest(`the request path ${JSON.stringify(url.pathname)} is not valid percent-encoding`);
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) {
    group = '';
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 4) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else {
    return undefined;
  }
  const query = url.searchParams;
  let watch = query.get('watch') === 'true' || query.get('watch') === '1';
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length) return undefined;
  const m = method.toUpperCase();
  let verb: Verb;
  if (m === 'GET' || m === 'HEAD') verb = name ? (watch ? 'watch' : 'get') : watch ? 'watch' : 'list';
  else if (m === 'POST') verb = 'create';
  else if (m === 'PUT') verb = 'update';
  else if (m === 'PATCH') verb = 'patch';
  else if (m === 'DELETE') verb = name ? 'delete' : 'deletecollection';
  else return undefined;
  return { group, version, resource, namespace, name, subresource, verb, query };
}

export function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'https://cairn.invalid');
  } catch {
    throw badRequest(`the request URL ${JSON.stringify(req.url)} is not valid`);
  }
}
