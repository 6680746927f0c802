import { ApiError, Reason } from '../../api/errors.js';
import type { ApiObject, ObjectList, Status, WatchEvent } from '../../api/meta.js';
import { errorFromResponse, type Transport } from './transport.js';
import { responseLines } from './line-stream.js';

/** Where a resource lives in the API (a ResourceType satisfies it). */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WatchQuery extends ListQuery {
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export type PatchContentType = 'application/merge-patch+json' | 'application/json-patch+json' | 'application/strategic-merge-patch+json';

/** A running watch: `done` settles when the stream ends (resolves on a clean end, rejects on a transport error). */
export interface WatchHandle {
  stop(): void;
  done: Promise<void>;
}

/** Typed verbs for one resource. Errors are ApiErrors carrying the server's Status. */
export class ResourceClient<T extends ApiObject = ApiObject> {
  constructor(private readonly transport: Transport, readonly ref: ResourceRef) {}

  path(namespace?: string, name?: string, subresource?: string): string {
    const base = this.ref.group ? `/apis/${this.ref.group}/${this.ref.version}` : `/api/${this.ref.version}`;
    const ns = this.ref.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${this.ref.plural}${name ? `/${encodeURIComponent(name)}` : ''}${subresource ? `/${subresource}` : ''}`;
  }

  private namespaceOf(obj: ApiObject): string | undefined {
    return this.ref.namespaced ? obj.metadata.namespace ?? 'default' : undefined;
  }

  get(name: string, namespace?: string): Promise<T> {
    return this.transport.json('GET', this.path(namespace, name));
  }

  list(query: ListQuery = {}): Promise<ObjectList<T>> {
    return this.transport.json('GET', this.path(query.namespace) + queryString(query));
  }

  /** Lists every page (limit/continue) into one list at one resourceVersion. */
  async listAll(query: ListQuery = {}, pageSize = 500): Promise<ObjectList<T>> {
    const first = await this.list({ ...query, limit: pageSize });
    const items = [...first.items];
    let token = first.metadata.continue;
    while (token) {
      const page = await this.list({ ...query, limit: pageSize, continue: token });
      items.push(...page.items);
      token = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  create(obj: T): Promise<T> {
    return this.transport.json('POST', this.path(this.namespaceOf(obj)), obj);
  }

  update(obj: T): Promise<T> {
    return this.transport.json('PUT', this.path(this.namespaceOf(obj), obj.metadata.name), obj);
  }

  updateStatus(obj: T): Promise<T> {
    return this.transport.json('PUT', this.path(this.namespaceOf(obj), obj.metadata.name, 'status'), obj);
  }

  patch(name: string, patch: unknown, contentType: PatchContentType = 'application/merge-patch+json', namespace?: string, subresource?: string): Promise<T> {
    return this.transport.json('PATCH', this.path(namespace, name, subresource), patch, { 'Content-Type': contentType });
  }

  delete(name: string, namespace?: string, options: { gracePeriodSeconds?: number; propagationPolicy?: string; preconditions?: { uid?: string; resourceVersion?: string } } = {}): Promise<T> {
    const body = Object.keys(options).length ? { kind: 'DeleteOptions', apiVersion: 'v1', ...options } : undefined;
    return this.transport.json('DELETE', this.path(namespace, name), body);
  }

  /** Creates a subresource object (e.g. a pod's binding). */
  createSubresource(name: string, namespace: string | undefined, subresource: string, body: unknown): Promise<unknown> {
    return this.transport.json('POST', this.path(namespace, name, subresource), body);
  }

  /**
   * Streams watch events to `onEvent` in order. An ERROR event (such as 410 Expired) rejects `done` with its ApiError.
   */
  watch(query: WatchQuery, onEvent: (event: WatchEvent<T>) => void): WatchHandle {
    let stop = (): void => {};
    let stopped = false;
    const done = (async () => {
      const res = await this.transport.open('GET', this.path(query.namespace) + queryString({ ...query, watch: true }));
      if (stopped) {
        // Stopped while connecting: never start reading (a readline closed before iteration starts never ends).
        res.destroy();
        return;
      }
      if ((res.statusCode ?? 0) >= 300) {
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        throw errorFromResponse({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      }
      const lines = responseLines(res);
      stop = () => { stopped = true; lines.close(); res.destroy(); };
      try {
        for await (const line of lines) {
          if (!line.trim()) continue;
          const event = JSON.parse(line) as WatchEvent<T>;
          if (event.type === 'ERROR') throw ApiError.fromStatus(event.object as unknown as Status);
          onEvent(event);
        }
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError) throw err;
        throw new ApiError(503, Reason.ServiceUnavailable, `watch stream broke: ${(err as Error).message}`);
      }
    })();
    return { stop: () => { stopped = true; stop(); }, done };
  }
}

function queryString(query: WatchQuery & { watch?: boolean }): string {
  const params = new URLSearchParams();
  if (query.labelSelector) params.set('labelSelector', query.labelSelector);
  if (query.fieldSelector) params.set('fieldSelector', query.fieldSelector);
  if (query.limit) params.set('limit', String(query.limit));
  if (query.continue) params.set('continue', query.continue);
  if (query.resourceVersion !== undefined) params.set('resourceVersion', query.resourceVersion);
  if (query.watch) params.set('watch', 'true');
  if (query.allowWatchBookmarks) params.set('allowWatchBookmarks', 'true');
  if (query.timeoutSeconds !== undefined) params.set('timeoutSeconds', String(query.timeoutSeconds));
  const text = params.toString();
  return text ? `?${text}` : '';
}
