import { ApiError, Reason, alreadyExists, badRequest, conflict, invalidObject, notFound, type FieldError } from '../../../api/errors.js';
import type { ApiObject } from '../../../api/meta.js';
import { apiVersionOf, type ResourceType } from '../../../api/resources.js';
import { applyPatch, PatchError, supportsStrategicMerge, type PatchType } from '../patch/index.js';
import type { Cacher } from '../cache/cacher.js';
import { decodeStored, entryFromStored, parseEntry, type CacheEntry } from '../cache/entry.js';
import { matchesFilter, type ObjectFilter } from '../cache/filter.js';
import { EtcdStore, FutureRevision, PreconditionFailed, RevisionCompacted, type StoredValue } from '../storage/etcd-store.js';
import { namespacePrefix, objectKey, resourcePrefix } from '../storage/keys.js';
import { decodeContinue, encodeContinue, expiredContinue } from './continue-token.js';
import { finalizersForDeletion, type PropagationOptions } from './deletion-propagation.js';
import type { CompanionWrite, ObjectAllocator } from './object-allocator.js';
import { generateName, keepSystemMeta, sameJson, specOf, stampNew, timestamp } from './object-meta.js';

/**
 * Retries of a read-modify-write whose client gave no resourceVersion, before answering 409. Each failed attempt
 * returns the winner's object, so every round lets at least one of N concurrent writers through and the last one
 * needs N attempts: the bound only guards against a livelock, so it sits well above any real fan-in on one object.
 */
const MAX_UPDATE_ATTEMPTS = 100;

export interface ListOptions {
  filter: ObjectFilter;
  resourceVersion?: string;
  limit?: number;
  continueToken?: string;
}

export interface ListResult {
  entries: CacheEntry[];
  resourceVersion: string;
  continueToken?: string;
}

export interface DeleteOptions extends PropagationOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  object: ApiObject;
  /** False when the object still exists, waiting for finalizers or graceful termination. */
  deleted: boolean;
}

/** A check before a write that may refuse it (e.g. the namespace must exist and not be terminating). */
export type Admission = (resource: ResourceType, obj: ApiObject, operation: 'create' | 'update') => Promise<void>;

/**
 * How an update treats the body: the main resource keeps status (and the kind's subresource-owned fields);
 * the status subresource keeps everything but status; `finalize` is a main update that may change a Namespace's finalizers.
 */
export type UpdateScope = 'main' | 'status' | 'finalize';

/**
 * Create/read/update/delete of one resource over etcd, with the watch cache serving reads.
 * Every write is a compare-and-swap on the etcd revision, so concurrent writers never overwrite each other silently.
 */
export class ResourceStore {
  private readonly hasStatus: boolean;

  constructor(
    readonly type: ResourceType,
    private readonly store: EtcdStore,
    private readonly cacher: Cacher,
    private readonly admit: Admission,
    /** For kinds whose objects hold allocated values (Services): takes part in every write. */
    private readonly allocator?: ObjectAllocator,
  ) {
    this.hasStatus = type.subresources.includes('status');
  }

  private key(namespace: string | undefined, name: string): string {
    return objectKey(this.type.plural, this.type.namespaced ? namespace : undefined, name);
  }

  private decode(v: StoredValue): ApiObject {
    return decodeStored(v.value, v.modRevision);
  }

  /**
   * The object a read-modify-write starts from: the value etcd returned with a failed compare-and-swap, else
   * the watch cache's copy (saving an etcd round trip, as kube-apiserver's GuaranteedUpdate does: a stale copy
   * only costs a failed CAS, which returns the current value), else etcd. With `expected`, the cache is used
   * only if it holds exactly that revision, so a lagging cache never fakes a conflict.
   */
  private async readForUpdate(namespace: string | undefined, name: string, seen: StoredValue | undefined, expected?: number): Promise<{ current: ApiObject; revision: number } | undefined> {
    if (seen) return { current: this.decode(seen), revision: seen.modRevision };
    const cached = this.cacher.cache(this.type.plural).get(this.type.namespaced ? namespace ?? '' : '', name);
    if (cached && (expected === undefined || cached.revision === expected)) return { current: parseEntry(cached), revision: cached.revision };
    const stored = await this.store.get(this.key(namespace, name));
    return stored ? { current: this.decode(stored), revision: stored.modRevision } : undefined;
  }

  private encode(obj: ApiObject): Buffer {
    const { resourceVersion: _rv, ...metadata } = obj.metadata;
    return Buffer.from(JSON.stringify({ ...obj, apiVersion: apiVersionOf(this.type), kind: this.type.kind, metadata }));
  }

  private notFound(name: string): ApiError {
    return notFound(this.type.plural, name, this.type.group);
  }

  /** A consistent read from the cache (every acknowledged write visible), falling back to etcd if the cache lags. */
  async get(namespace: string | undefined, name: string, resourceVersion?: string): Promise<CacheEntry> {
    const fresh = resourceVersion === '0' || (await this.cacheFreshFor(resourceVersion));
    if (fresh) {
      const entry = this.cacher.cache(this.type.plural).get(this.type.namespaced ? namespace ?? '' : '', name);
      if (!entry) throw this.notFound(name);
      return entry;
    }
    const stored = await this.store.get(this.key(namespace, name));
    if (!stored) throw this.notFound(name);
    return entryFromStored(stored.key, stored.value, stored.modRevision, this.type.strategy);
  }

  private async cacheFreshFor(resourceVersion: string | undefined): Promise<boolean> {
    if (resourceVersion) return this.cacher.waitFor(parseRevision(resourceVersion));
    return this.cacher.waitFresh();
  }

  /**
   * Lists matching objects. Unpaged lists come from the watch cache (consistently); paged lists read etcd
   * at one pinned revision, so every page belongs to the same snapshot (410 once that revision is compacted).
   */
  async list(opts: ListOptions): Promise<ListResult> {
    const paged = (opts.limit ?? 0) > 0 && opts.resourceVersion !== '0';
    if (!paged && !opts.continueToken) {
      if (opts.resourceVersion !== '0' && !(await this.cacheFreshFor(opts.resourceVersion))) return this.listFromEtcd(opts);
      const cache = this.cacher.cache(this.type.plural);
      return { entries: cache.list(opts.filter), resourceVersion: String(this.cacher.revision) };
    }
    return this.listFromEtcd(opts);
  }

  private async listFromEtcd(opts: ListOptions): Promise<ListResult> {
    const prefix = this.type.namespaced && opts.filter.namespace
      ? namespacePrefix(this.type.plural, opts.filter.namespace)
      : resourcePrefix(this.type.plural);
    const token = opts.continueToken ? decodeContinue(opts.continueToken) : undefined;
    let revision = token?.revision ?? 0;
    if (!token && opts.resourceVersion && opts.resourceVersion !== '0') revision = parseRevision(opts.resourceVersion);
    let startKey = token ? prefix + token.startKey : prefix;
    const limit = opts.limit ?? 0;
    const entries: CacheEntry[] = [];
    for (;;) {
      let page;
      try {
        page = await this.store.range(prefix, { startKey, limit: limit > 0 ? limit - entries.length + 1 : 0, revision });
      } catch (err) {
        if (err instanceof RevisionCompacted) throw token ? expiredContinue() : tooOld(revision);
        if (err instanceof FutureRevision) throw new ApiError(504, Reason.Timeout, `Too large resource version: ${revision}: it has not been written yet`);
        throw err;
      }
      if (!revision) revision = page.revision; // pin the snapshot: later pages read at the first page's revision
      for (const v of page.values) {
        if (limit > 0 && entries.length === limit) {
          return { entries, resourceVersion: String(revision), continueToken: encodeContinue({ revision, startKey: v.key.slice(prefix.length) }) };
        }
        const entry = entryFromStored(v.key, v.value, v.modRevision, this.type.strategy);
        if (matchesFilter(entry, opts.filter)) entries.push(entry);
      }
      if (!page.more || page.values.length === 0) return { entries, resourceVersion: String(revision) };
      startKey = page.values.at(-1)!.key + '\0';
    }
  }

  async create(namespace: string | undefined, body: ApiObject, dryRun = false): Promise<ApiObject> {
    const obj = this.checkBody(body, namespace);
    if (obj.metadata.resourceVersion) {
      throw invalidObject(this.type.kind, obj.metadata.name ?? '', [{ path: 'metadata.resourceVersion', type: 'FieldValueInvalid', message: 'resourceVersion should not be set on objects to be created' }], this.type.group);
    }
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
    stampNew(obj);
    this.type.strategy.prepareForCreate?.(obj);
    this.type.strategy.applyDefaults(obj);
    this.validated(obj, this.type.strategy.validate(obj));
    await this.admit(this.type, obj, 'create');
    if (dryRun) return obj;
    const key = this.key(obj.metadata.namespace, obj.metadata.name!);
    try {
      const write: CompanionWrite = (companions) => this.store.create(key, this.encode(obj), companions);
      const rev = this.allocator ? await this.allocator.create(obj, write) : await write({});
      obj.metadata.resourceVersion = String(rev);
      return obj;
    } catch (err) {
      if (err instanceof PreconditionFailed) throw alreadyExists(this.type.plural, obj.metadata.name!, this.type.group);
      throw err;
    }
  }

  /** Kind/apiVersion/namespace checks every write body gets; returns a copy the registry may change. */
  private checkBody(body: ApiObject, namespace: string | undefined): ApiObject {
    const obj = structuredClone(body);
    const apiVersion = apiVersionOf(this.type);
    if (obj.kind !== undefined && obj.kind !== this.type.kind) {
      throw badRequest(`the body is a ${String(obj.kind)}, but this endpoint serves ${this.type.kind}: send it to the ${String(obj.kind)} resource`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
      throw badRequest(`apiVersion ${JSON.stringify(obj.apiVersion)} is not served for ${this.type.kind}: use "${apiVersion}"`);
    }
    obj.apiVersion = apiVersion;
    obj.kind = this.type.kind;
    if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) {
      throw invalidObject(this.type.kind, '', [{ path: 'metadata', type: 'FieldValueRequired', message: 'Required value: an object with at least a name' }], this.type.group);
    }
    if (this.type.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw badRequest(`the namespace of the provided object (${obj.metadata.namespace}) does not match the namespace sent on the request (${namespace})`);
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    } else if (obj.metadata.namespace) {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  private validated(obj: ApiObject, errors: FieldError[]): void {
    if (errors.length) throw invalidObject(this.type.kind, obj.metadata.name ?? '', errors, this.type.group);
  }

  /** PUT: replaces the object (or its status), compare-and-swap on the body's resourceVersion when it has one. */
  async update(namespace: string | undefined, name: string, body: ApiObject, scope: UpdateScope, dryRun = false): Promise<ApiObject> {
    const requested = this.checkBody(body, namespace);
    if (requested.metadata.name !== undefined && requested.metadata.name !== name) {
      throw badRequest(`the name of the object (${requested.metadata.name}) does not match the name on the URL (${name})`);
    }
    return this.guaranteedUpdate(namespace, name, requested.metadata.resourceVersion, dryRun, () => requested, scope);
  }

  /** PATCH: applies the patch to the current object and writes it, retrying on a concurrent write unless the patch pins a resourceVersion. */
  async patch(namespace: string | undefined, name: string, patch: unknown, type: PatchType, scope: UpdateScope, dryRun = false): Promise<ApiObject> {
    if (type === 'strategic' && !supportsStrategicMerge(this.type.kind)) {
      throw new ApiError(415, Reason.UnsupportedMediaType, `strategic merge patch is not supported for ${this.type.kind}: use a merge patch (application/merge-patch+json)`);
    }
    let pinned: string | undefined;
    return this.guaranteedUpdate(namespace, name, undefined, dryRun, (current) => {
      let patched: unknown;
      try {
        patched = applyPatch(this.type.kind, current, patch, type);
      } catch (err) {
        if (err instanceof PatchError) {
          throw new ApiError(err.code, err.code === 400 ? Reason.BadRequest : Reason.Invalid, err.message, { kind: this.type.kind, name, group: this.type.group });
        }
        throw err;
      }
      const obj = this.checkBody(patched as ApiObject, namespace);
      pinned = obj.metadata.resourceVersion !== current.metadata.resourceVersion ? obj.metadata.resourceVersion : undefined;
      if (pinned) throw conflict(this.type.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', this.type.group);
      return obj;
    }, scope);
  }

  /** Applies `fn` to the current object and writes the result (retrying on concurrent writes): the base of subresources like binding and scale. */
  mutate(namespace: string | undefined, name: string, fn: (current: ApiObject) => ApiObject, scope: UpdateScope = 'main'): Promise<ApiObject> {
    return this.guaranteedUpdate(namespace, name, undefined, false, fn, scope);
  }

  /**
   * Read-modify-write with compare-and-swap. `expectedRevision` set: one attempt, 409 on mismatch.
   * Unset: re-read and retry on a concurrent write, a bounded number of times.
   */
  private async guaranteedUpdate(namespace: string | undefined, name: string, expectedRevision: string | undefined, dryRun: boolean,
    mutate: (current: ApiObject) => ApiObject, scope: UpdateScope): Promise<ApiObject> {
    const key = this.key(namespace, name);
    const expected = expectedRevision ? parseRevision(expectedRevision) : undefined;
    let seen: StoredValue | undefined;
    for (let attempt = 1; ; attempt++) {
      const stored = await this.readForUpdate(namespace, name, seen, expected);
      if (!stored) throw this.notFound(name);
      if (expected !== undefined && expected !== stored.revision) {
        throw conflict(this.type.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', this.type.group);
      }
      const current = stored.current;
      const next = this.prepareUpdate(mutate(structuredClone(current)), current, scope);
      if (sameJson(next, current)) return current;
      await this.admit(this.type, next, 'update');
      if (dryRun) return next;
      try {
        if (this.readyToRemove(next)) {
          await this.remove(key, current, stored.revision);
          return next;
        }
        const write: CompanionWrite = (companions) => this.store.update(key, this.encode(next), stored.revision, companions);
        const rev = this.allocator ? await this.allocator.update(next, current, write) : await write({});
        next.metadata.resourceVersion = String(rev);
        return next;
      } catch (err) {
        if (!(err instanceof PreconditionFailed)) throw err;
        if (!err.current) throw this.notFound(name);
        seen = err.current;
        if (expectedRevision || attempt >= MAX_UPDATE_ATTEMPTS) {
          throw conflict(this.type.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', this.type.group);
        }
      }
    }
  }

  private remove(key: string, current: ApiObject, revision: number): Promise<number> {
    const write: CompanionWrite = (companions) => this.store.delete(key, revision, companions);
    return this.allocator ? this.allocator.remove(current, write) : write({});
  }

  private prepareUpdate(requested: ApiObject, current: ApiObject, scope: UpdateScope): ApiObject {
    let next: ApiObject;
    if (scope === 'status') {
      next = { ...structuredClone(current), status: requested.status };
    } else {
      next = requested;
      if (this.hasStatus) {
        if (current.status === undefined) delete next.status;
        else next.status = structuredClone(current.status);
      }
      keepSystemMeta(next, current);
      if (scope === 'main') this.type.strategy.prepareForUpdate?.(next, current);
    }
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    this.type.strategy.applyDefaults(next);
    if (scope !== 'status' && !sameJson(specOf(next), specOf(current))) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    this.validated(next, this.type.strategy.validateUpdate(next, current));
    return next;
  }

  /**
   * A deleted object goes once nothing holds it: no finalizers, no namespace content finalizer,
   * and (for a pod bound to a node) its agent has confirmed termination with a zero grace period.
   */
  private readyToRemove(obj: ApiObject): boolean {
    if (!obj.metadata.deletionTimestamp || obj.metadata.finalizers?.length) return false;
    if (this.type.kind === 'Pod') return (obj.metadata.deletionGracePeriodSeconds ?? 0) === 0;
    if (this.type.kind === 'Namespace') return !(obj.spec as { finalizers?: string[] } | undefined)?.finalizers?.length;
    return true;
  }

  /**
   * DELETE: objects with finalizers, and pods running on a node, are marked with a deletionTimestamp
   * and remain until their finalizers are removed or their agent confirms termination; the rest go now.
   * The propagation policy becomes a garbage-collector finalizer (Foreground: `foregroundDeletion`,
   * Orphan: `orphan`); Background adds none, and the collector deletes the dependents afterwards.
   */
  async delete(namespace: string | undefined, name: string, opts: DeleteOptions, dryRun = false): Promise<DeleteResult> {
    const key = this.key(namespace, name);
    let seen: StoredValue | undefined;
    for (let attempt = 1; ; attempt++) {
      const precondition = opts.preconditions?.resourceVersion;
      const stored = await this.readForUpdate(namespace, name, seen, precondition ? parseRevision(precondition) : undefined);
      if (!stored) throw this.notFound(name);
      const current = stored.current;
      this.checkPreconditions(current, opts, name);
      const next = structuredClone(current);
      const finalizers = finalizersForDeletion(this.type.kind, next.metadata.finalizers, opts);
      if (finalizers?.length) next.metadata.finalizers = finalizers;
      else delete next.metadata.finalizers;
      const grace = this.gracePeriod(next, opts);
      if (this.type.kind === 'Namespace') this.markTerminating(next);
      next.metadata.deletionTimestamp ??= timestamp(new Date(Date.now() + grace * 1000));
      if (this.type.kind === 'Pod') next.metadata.deletionGracePeriodSeconds = grace;
      try {
        if (this.readyToRemove(next)) {
          if (!dryRun) await this.remove(key, current, stored.revision);
          return { object: current, deleted: true };
        }
        if (sameJson(next, current) || dryRun) return { object: next, deleted: false };
        next.metadata.resourceVersion = String(await this.store.update(key, this.encode(next), stored.revision));
        return { object: next, deleted: false };
      } catch (err) {
        if (!(err instanceof PreconditionFailed)) throw err;
        if (!err.current) throw this.notFound(name);
        seen = err.current;
        if (attempt >= MAX_UPDATE_ATTEMPTS) throw conflict(this.type.plural, name, 'the object is being modified concurrently; retry the delete', this.type.group);
      }
    }
  }

  private checkPreconditions(current: ApiObject, opts: DeleteOptions, name: string): void {
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw conflict(this.type.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`, this.type.group);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(this.type.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`, this.type.group);
    }
  }

  /** Pods get a grace period only once scheduled: an unbound pod has no process to stop. */
  private gracePeriod(obj: ApiObject, opts: DeleteOptions): number {
    if (this.type.kind !== 'Pod') return 0;
    const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    const current = obj.metadata.deletionGracePeriodSeconds;
    const requested = Math.max(0, opts.gracePeriodSeconds ?? current ?? spec.terminationGracePeriodSeconds ?? 30);
    // A later delete may shorten the grace period, never extend it.
    return current !== undefined ? Math.min(current, requested) : requested;
  }

  private markTerminating(ns: ApiObject): void {
    ns.status = { ...(ns.status as object | undefined), phase: 'Terminating' };
  }
}

export function parseRevision(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw badRequest(`resourceVersion ${JSON.stringify(text)} is not valid: it must be a resourceVersion returned by this API`);
  return n;
}

function tooOld(revision: number): ApiError {
  return new ApiError(410, Reason.Gone, `too old resource version: ${revision}: start a new list without resourceVersion`);
}
