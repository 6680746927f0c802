import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, Reason, badRequest, conflict } from '../../../api/errors.js';
import { isObject, type ApiObject } from '../../../api/meta.js';
import { apiVersionOf, type ResourceType } from '../../../api/resources.js';
import { parseFieldSelector, parseLabelSelector, SelectorError } from '../../../api/selectors.js';
import { buildTable } from '../../../api/printers/index.js';
import { applyPatch, patchTypeFromContentType } from '../patch/index.js';
import { parseEntry, type CacheEntry } from '../cache/entry.js';
import type { ObjectFilter } from '../cache/filter.js';
import { TooOldRevision } from '../cache/resource-cache.js';
import type { Cacher } from '../cache/cacher.js';
import { validatePropagation } from '../rest/deletion-propagation.js';
import { parseRevision, type DeleteOptions, type ResourceStore } from '../rest/resource-store.js';
import { decodeBody, readBody } from './body.js';
import { evictPod } from './pod-eviction.js';
import { proxyPodLog } from './pod-log.js';
import type { ResourceRequest } from './request-info.js';
import { sendRaw, wantsTable } from './respond.js';
import { WatchStream } from './watch-stream.js';

export interface HandlerOptions {
  bookmarkIntervalMs: number;
  /** Upper bound of a watch's life; each gets a random duration between half and all of it, so reconnects spread out. */
  maxWatchSeconds: number;
  /** Bearer token presented to node agents when proxying pods/log. */
  agentToken?: string;
}

/** Serves the REST verbs of every resource: parses the request, calls the ResourceStore, shapes the response. */
export class ResourceHandler {
  constructor(
    private readonly stores: Map<string, ResourceStore>,
    private readonly cacher: Cacher,
    private readonly opts: HandlerOptions,
  ) {}

  resolve(r: ResourceRequest): ResourceStore {
    const store = this.stores.get(`${r.group}/${r.version}/${r.resource}`);
    if (!store) throw new ApiError(404, Reason.NotFound, `the server could not find the requested resource (${r.group ? r.group + '/' : ''}${r.version} ${r.resource})`);
    if (r.namespace !== undefined && !store.type.namespaced) throw new ApiError(404, Reason.NotFound, `${r.resource} is not a namespaced resource`);
    return store;
  }

  /** Handles one request; returns the HTTP status sent. */
  async handle(r: ResourceRequest, req: IncomingMessage, res: ServerResponse): Promise<number> {
    const store = this.resolve(r);
    if (r.subresource) return this.subresource(store, r, req, res);
    const dryRun = r.query.get('dryRun') === 'All';
    switch (r.verb) {
      case 'get': return this.respondEntry(res, req, 200, store.type, await store.get(r.namespace, r.name!, r.query.get('resourceVersion') ?? undefined));
      case 'list': return this.list(store, r, req, res);
      case 'watch': return this.watch(store, r, req, res);
      case 'create': return this.respondObject(res, 201, await store.create(r.namespace, await this.objectBody(req), dryRun));
      case 'update': return this.respondObject(res, 200, await store.update(r.namespace, r.name!, await this.objectBody(req), 'main', dryRun));
      case 'patch': return this.respondObject(res, 200, await this.patch(store, r, req, 'main', dryRun));
      case 'delete': {
        const result = await store.delete(r.namespace, r.name!, await this.deleteOptions(req, r), dryRun);
        return this.respondObject(res, 200, result.object);
      }
      case 'deletecollection': return this.deleteCollection(store, r, req, res, dryRun);
    }
  }

  private async objectBody(req: IncomingMessage): Promise<ApiObject> {
    const body = decodeBody(await readBody(req), req.headers['content-type']);
    if (!isObject(body)) throw badRequest('the request body must be a JSON object (a Kubernetes-style object with apiVersion, kind and metadata)');
    return body as ApiObject;
  }

  private async patch(store: ResourceStore, r: ResourceRequest, req: IncomingMessage, scope: 'main' | 'status', dryRun: boolean): Promise<ApiObject> {
    const type = patchTypeFromContentType(req.headers['content-type']);
    if (!type) {
      throw new ApiError(415, Reason.UnsupportedMediaType,
        `the patch content type ${JSON.stringify(req.headers['content-type'] ?? '')} is not supported: use application/merge-patch+json, application/json-patch+json or application/strategic-merge-patch+json`);
    }
    const patch = decodeBody(await readBody(req), 'application/json');
    return store.patch(r.namespace, r.name!, patch, type, scope, dryRun);
  }

  private async deleteOptions(req: IncomingMessage, r: ResourceRequest): Promise<DeleteOptions> {
    const raw = await readBody(req);
    const body = raw.length && raw.toString().trim() ? decodeBody(raw, req.headers['content-type']) : {};
    if (!isObject(body)) throw badRequest('DeleteOptions must be a JSON object');
    const opts = body as DeleteOptions;
    const grace = r.query.get('gracePeriodSeconds');
    if (grace) opts.gracePeriodSeconds = Number(grace);
    const policy = r.query.get('propagationPolicy');
    if (policy) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
    const orphan = r.query.get('orphanDependents');
    if (orphan) {
      if (orphan !== 'true' && orphan !== 'false') throw badRequest(`orphanDependents ${JSON.stringify(orphan)} is not valid: use true or false`);
      opts.orphanDependents = orphan === 'true';
    }
    if (opts.gracePeriodSeconds !== undefined && !Number.isInteger(opts.gracePeriodSeconds)) throw badRequest('gracePeriodSeconds must be a whole number of seconds');
    validatePropagation(opts);
    return opts;
  }

  private filterOf(r: ResourceRequest): ObjectFilter {
    try {
      const labels = parseLabelSelector(r.query.get('labelSelector') ?? '');
      const fieldText = [r.query.get('fieldSelector'), r.name ? `metadata.name=${r.name}` : ''].filter(Boolean).join(',');
      return { namespace: r.namespace, labels, fields: parseFieldSelector(fieldText) };
    } catch (err) {
      if (err instanceof SelectorError) throw badRequest(err.message);
      throw err;
    }
  }

  private async list(store: ResourceStore, r: ResourceRequest, req: IncomingMessage, res: ServerResponse): Promise<number> {
    const limitText = r.query.get('limit');
    const limit = limitText ? Number(limitText) : 0;
    if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit ${JSON.stringify(limitText)} is not valid: use a positive whole number`);
    const result = await store.list({
      filter: this.filterOf(r),
      limit,
      continueToken: r.query.get('continue') ?? undefined,
      resourceVersion: r.query.get('resourceVersion') ?? undefined,
    });
    if (wantsTable(req.headers.accept)) {
      return this.send(res, 200, JSON.stringify(buildTable(store.type.kind, result.entries.map(parseEntry), {
        now: new Date(), includeObject: includeObjectOf(r), resourceVersion: result.resourceVersion, continue: result.continueToken,
      })));
    }
    const meta = JSON.stringify({ resourceVersion: result.resourceVersion, ...(result.continueToken ? { continue: result.continueToken } : {}) });
    const head = `{"kind":"${store.type.listKind}","apiVersion":"${apiVersionOf(store.type)}","metadata":${meta},"items":[`;
    await streamList(res, head, result.entries);
    return 200;
  }

  private async watch(store: ResourceStore, r: ResourceRequest, req: IncomingMessage, res: ServerResponse): Promise<number> {
    const filter = this.filterOf(r);
    const timeoutText = r.query.get('timeoutSeconds');
    if (timeoutText && !/^\d+$/.test(timeoutText)) throw badRequest(`timeoutSeconds ${JSON.stringify(timeoutText)} is not valid: use a whole number of seconds`);
    const rvText = r.query.get('resourceVersion') ?? '';
    const fromRevision = rvText && rvText !== '0' ? parseRevision(rvText) : undefined;
    if (fromRevision !== undefined && !(await this.cacher.waitFor(fromRevision))) {
      throw new ApiError(504, Reason.Timeout, `Too large resource version: ${fromRevision}, current: ${this.cacher.revision}`);
    }
    if (rvText === '') await this.cacher.waitFresh();
    const table = wantsTable(req.headers.accept);
    const includeObject = includeObjectOf(r);
    const kind = store.type.kind;
    const apiVersion = apiVersionOf(store.type);
    let bookmarks: NodeJS.Timeout | undefined;
    let expiry: NodeJS.Timeout | undefined;
    let unregister = (): void => {};
    const cache = this.cacher.cache(store.type.plural);
    const stream = new WatchStream(res, {
      filter,
      render: table ? (_type, entry) => JSON.stringify(buildTable(kind, [parseEntry(entry)], { now: new Date(), includeObject })) : undefined,
      onClose: () => {
        clearInterval(bookmarks);
        clearTimeout(expiry);
        unregister();
      },
    });
    try {
      if (fromRevision === undefined) {
        // No resourceVersion: the current state as ADDED events, then changes; list and register in one synchronous step.
        const start = this.cacher.revision;
        for (const entry of cache.list(filter)) stream.deliver('ADDED', entry);
        stream.initialBurstWritten();
        unregister = cache.watch(stream, start);
      } else {
        unregister = cache.watch(stream, fromRevision);
      }
    } catch (err) {
      if (err instanceof TooOldRevision) {
        stream.fail(new ApiError(410, Reason.Gone, `too old resource version: ${err.requested} (${err.oldest})`).toStatus());
        return 200;
      }
      throw err;
    }
    if (stream.isClosed) {
      unregister();
      return 200;
    }
    if (r.query.get('allowWatchBookmarks') === 'true') {
      bookmarks = setInterval(() => stream.bookmark(kind, apiVersion, this.cacher.revision), this.opts.bookmarkIntervalMs);
    }
    const maxSeconds = this.opts.maxWatchSeconds;
    const seconds = timeoutText ? Math.min(Number(timeoutText), maxSeconds) : maxSeconds * (0.5 + Math.random() / 2);
    expiry = setTimeout(() => stream.close(), Math.max(0, seconds) * 1000);
    return 200;
  }

  private async deleteCollection(store: ResourceStore, r: ResourceRequest, req: IncomingMessage, res: ServerResponse, dryRun: boolean): Promise<number> {
    const opts = await this.deleteOptions(req, r);
    const listed = await store.list({ filter: this.filterOf(r) });
    const items: ApiObject[] = [];
    for (const entry of listed.entries) {
      try {
        items.push((await store.delete(entry.namespace || undefined, entry.name, opts, dryRun)).object);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    return this.send(res, 200, JSON.stringify({ kind: store.type.listKind, apiVersion: apiVersionOf(store.type), metadata: {}, items }));
  }

  private async subresource(store: ResourceStore, r: ResourceRequest, req: IncomingMessage, res: ServerResponse): Promise<number> {
    const sub = r.subresource!;
    const type = store.type;
    const dryRun = r.query.get('dryRun') === 'All';
    const allowed = sub === 'finalize' ? type.kind === 'Namespace' : type.subresources.includes(sub as 'status');
    if (!allowed || !r.name) throw new ApiError(404, Reason.NotFound, `${type.plural} has no subresource "${sub}"`);
    if (sub === 'status') {
      switch (r.verb) {
        case 'get': return this.respondEntry(res, req, 200, type, await store.get(r.namespace, r.name));
        case 'update': return this.respondObject(res, 200, await store.update(r.namespace, r.name, await this.objectBody(req), 'status', dryRun));
        case 'patch': return this.respondObject(res, 200, await this.patch(store, r, req, 'status', dryRun));
        default: throw methodNotAllowed(r.verb, sub);
      }
    }
    if (sub === 'eviction') {
      if (r.verb !== 'create') throw methodNotAllowed(r.verb, sub);
      const pdbs = this.stores.get('policy/v1/poddisruptionbudgets')!;
      await evictPod({ pods: store, pdbs }, r.namespace!, r.name, decodeBody(await readBody(req), req.headers['content-type']), dryRun);
      return this.send(res, 201, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }));
    }
    if (sub === 'log') return proxyPodLog({ pods: store, nodes: this.stores.get('/v1/nodes')!, agentToken: this.opts.agentToken }, r, res);
    if (sub === 'binding') {
      if (r.verb !== 'create') throw methodNotAllowed(r.verb, sub);
      const binding = await this.objectBody(req);
      const target = (binding as { target?: { name?: string; kind?: string } }).target;
      if (!target?.name) throw badRequest('Binding.target.name is required: the node to bind the pod to');
      if (target.kind && target.kind !== 'Node') throw badRequest(`Binding.target.kind must be Node, not ${JSON.stringify(target.kind)}`);
      await store.mutate(r.namespace, r.name, (pod) => {
        const spec = pod.spec as { nodeName?: string };
        if (spec.nodeName) throw conflict('pods/binding', r.name!, `pod ${r.name} is already assigned to node "${spec.nodeName}"`);
        if (pod.metadata.deletionTimestamp) throw conflict('pods/binding', r.name!, `pod ${r.name} is being deleted, cannot be assigned to a host`);
        spec.nodeName = target.name;
        return pod;
      });
      return this.send(res, 201, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }));
    }
    if (sub === 'finalize') {
      if (r.verb !== 'update') throw methodNotAllowed(r.verb, sub);
      const body = await this.objectBody(req);
      const finalizers = (body.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
      return this.respondObject(res, 200, await store.mutate(undefined, r.name, (ns) => ({ ...ns, spec: { ...(ns.spec as object), finalizers } }), 'finalize'));
    }
    return this.scale(store, r, req, res);
  }

  /** The `scale` subresource (autoscaling/v1 Scale) of Deployments and ReplicaSets, as `kubectl scale` uses it. */
  private async scale(store: ResourceStore, r: ResourceRequest, req: IncomingMessage, res: ServerResponse): Promise<number> {
    const toScale = (obj: ApiObject): object => {
      const spec = obj.spec as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
      const selector = Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return {
        kind: 'Scale', apiVersion: 'autoscaling/v1',
        metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
        spec: { replicas: spec.replicas ?? 0 },
        status: { replicas: (obj.status as { replicas?: number } | undefined)?.replicas ?? 0, selector },
      };
    };
    if (r.verb === 'get') return this.send(res, 200, JSON.stringify(toScale(parseEntry(await store.get(r.namespace, r.name!)))));
    if (r.verb !== 'update' && r.verb !== 'patch') throw methodNotAllowed(r.verb, 'scale');
    let replicas: unknown;
    if (r.verb === 'update') {
      replicas = ((await this.objectBody(req)).spec as { replicas?: unknown } | undefined)?.replicas;
    } else {
      const current = toScale(parseEntry(await store.get(r.namespace, r.name!)));
      const type = patchTypeFromContentType(req.headers['content-type']) ?? 'merge';
      replicas = (applyPatch('Scale', current, decodeBody(await readBody(req), 'application/json'), type) as { spec?: { replicas?: unknown } }).spec?.replicas;
    }
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(422, Reason.Invalid, `Scale "${r.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be a whole number >= 0`);
    }
    const updated = await store.mutate(r.namespace, r.name!, (obj) => ({ ...obj, spec: { ...(obj.spec as object), replicas } }));
    return this.send(res, 200, JSON.stringify(toScale(updated)));
  }

  private respondEntry(res: ServerResponse, req: IncomingMessage, code: number, type: ResourceType, entry: CacheEntry): number {
    if (wantsTable(req.headers.accept)) {
      return this.send(res, code, JSON.stringify(buildTable(type.kind, [parseEntry(entry)], { now: new Date(), includeObject: 'Metadata' })));
    }
    return this.send(res, code, entry.bytes);
  }

  private respondObject(res: ServerResponse, code: number, obj: ApiObject): number {
    return this.send(res, code, JSON.stringify(obj));
  }

  private send(res: ServerResponse, code: number, json: string | Buffer): number {
    sendRaw(res, code, json);
    return code;
  }
}

/** Items per write when streaming a large list. */
const LIST_CHUNK = 1000;

const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}');

/**
 * Writes a list from the entries' encoded bytes. A small list goes in one response with a length; a large
 * one is streamed in chunks with backpressure, so 150,000 objects never become one giant buffer and the
 * first bytes leave while the rest is still being assembled.
 */
async function streamList(res: ServerResponse, head: string, entries: CacheEntry[]): Promise<void> {
  const chunkOf = (from: number): Buffer => {
    const parts: Buffer[] = [];
    for (let i = from; i < Math.min(from + LIST_CHUNK, entries.length); i++) {
      if (i > 0) parts.push(COMMA);
      parts.push(entries[i]!.bytes);
    }
    return Buffer.concat(parts);
  };
  if (entries.length <= LIST_CHUNK) {
    sendRaw(res, 200, Buffer.concat([Buffer.from(head), chunkOf(0), LIST_END]));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.write(head);
  for (let i = 0; i < entries.length && !res.destroyed; i += LIST_CHUNK) {
    if (!res.write(chunkOf(i))) await drained(res);
  }
  res.end(LIST_END);
}

/** Resolves when the response can take more, or has closed; removes both listeners either way. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function includeObjectOf(r: ResourceRequest): 'None' | 'Object' | 'Metadata' {
  const v = r.query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function methodNotAllowed(verb: string, sub: string): ApiError {
  return new ApiError(405, Reason.MethodNotAllowed, `the ${sub} subresource does not support ${verb}`);
}
