import { Etcd3, type ICompare, type IKeyValue, type IRequestOp, type Watcher, type IWatchResponse } from 'etcd3';
import { performance } from 'node:perf_hooks';

/** Upper bound of one etcd request (Kubernetes' API server uses a similar request timeout). */
const REQUEST_TIMEOUT_MS = 15_000;

/** One stored value with the etcd revision that last wrote it. */
export interface StoredValue {
  key: string;
  value: Buffer;
  modRevision: number;
  createRevision: number;
}

export interface RangeResult {
  values: StoredValue[];
  revision: number;
  more: boolean;
}

export type StoreEvent =
  | { type: 'put'; value: StoredValue; prev?: StoredValue }
  | { type: 'delete'; key: string; revision: number; prev?: StoredValue };

/** Thrown when a write's precondition (create-only, or revision match) did not hold; carries the current value. */
/** Room for a page of thousands of large objects (a Node is ~2 KiB, 5,000 of them ~10 MiB); etcd bounds what it sends. */
const MAX_ETCD_RESPONSE_BYTES = 512 * 1024 * 1024;

export class PreconditionFailed extends Error {
  constructor(readonly current: StoredValue | undefined) {
    super(current ? `revision is now ${current.modRevision}` : 'key does not exist');
  }
}

/**
 * Keys written in the same transaction as an object (e.g. the cluster IP a Service holds): each claimed key
 * must not exist yet and is created; each released key is deleted. Claims and releases must not overlap.
 */
export interface Companions {
  claim?: { key: string; value: Buffer }[];
  release?: string[];
}

/** A write failed only because a companion key it claims already exists. */
export class ClaimTaken extends Error {
  constructor(readonly key: string) {
    super(`${key} is already claimed`);
  }
}

/** The requested revision is older than etcd's compacted history. */
export class RevisionCompacted extends Error {
  constructor(readonly revision: number) {
    super(`revision ${revision} has been compacted`);
  }
}

export type StoreOp = 'get' | 'range' | 'create' | 'update' | 'delete' | 'revision' | 'compact';
export type StoreObserver = (op: StoreOp, seconds: number, ok: boolean) => void;

function toStored(kv: IKeyValue): StoredValue {
  return { key: kv.key.toString(), value: kv.value, modRevision: Number(kv.mod_revision), createRevision: Number(kv.create_revision) };
}

/** The smallest key greater than every key with this prefix: etcd's range_end for a prefix scan. */
function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** The requested revision is newer than etcd's current one. */
export class FutureRevision extends Error {
  constructor(readonly revision: number) {
    super(`revision ${revision} is in the future`);
  }
}

/**
 * etcd reports compaction as "required revision has been compacted" on reads; a watch started at a
 * compacted revision is cancelled with an empty reason (etcd 3.4), which etcd3 surfaces as "Watcher canceled: ".
 */
function isCompactedError(err: unknown): boolean {
  return err instanceof Error && (/compacted/i.test(err.message) || /^Watcher canceled:\s*$/.test(err.message));
}

/**
 * The registry's only path to etcd. Every write is a transaction that compares a revision,
 * so an acknowledged write is durable in etcd and no write silently overwrites another.
 */
export class EtcdStore {
  private readonly client: Etcd3;

  constructor(endpoints: string[], private readonly observe: StoreObserver = () => {}) {
    // gRPC's default 4 MiB receive limit would fail a page of a few thousand Nodes; etcd itself bounds responses.
    this.client = new Etcd3({ hosts: endpoints, dialTimeout: 5000, grpcOptions: { 'grpc.max_receive_message_length': MAX_ETCD_RESPONSE_BYTES } });
  }

  /** Every etcd call has a deadline: a stuck connection fails the request (and is retried by the client) instead of hanging it. */
  private deadline(): { deadline: Date } {
    return { deadline: new Date(Date.now() + REQUEST_TIMEOUT_MS) };
  }

  private async timed<T>(op: StoreOp, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      const result = await fn();
      this.observe(op, (performance.now() - start) / 1000, true);
      return result;
    } catch (err) {
      this.observe(op, (performance.now() - start) / 1000, false);
      throw err;
    }
  }

  async get(key: string): Promise<StoredValue | undefined> {
    const res = await this.timed('get', () => this.client.kv.range({ key: Buffer.from(key) }, this.deadline()));
    const kv = res.kvs[0];
    return kv ? toStored(kv) : undefined;
  }

  /** The store's current revision: every acknowledged write is at or below it. */
  async currentRevision(): Promise<number> {
    const res = await this.timed('revision', () => this.client.kv.range({ key: Buffer.from('/registry-revision-probe'), count_only: true }, this.deadline()));
    return Number(res.header.revision);
  }

  /** Keys under `prefix` from `startKey` (inclusive), at `revision` (0 = latest), at most `limit` (0 = all). */
  async range(prefix: string, opts: { startKey?: string; limit?: number; revision?: number } = {}): Promise<RangeResult> {
    try {
      const res = await this.timed('range', () => this.client.kv.range({
        key: Buffer.from(opts.startKey ?? prefix),
        range_end: prefixEnd(prefix),
        limit: opts.limit ?? 0,
        revision: opts.revision ?? 0,
      }, this.deadline()));
      return { values: res.kvs.map(toStored), revision: Number(res.header.revision), more: res.more };
    } catch (err) {
      if (isCompactedError(err)) throw new RevisionCompacted(opts.revision ?? 0);
      if (err instanceof Error && /future revision/i.test(err.message)) throw new FutureRevision(opts.revision ?? 0);
      throw err;
    }
  }

  /** Writes `value` only if `key` does not exist (and every claimed companion key is free); returns the new revision. */
  async create(key: string, value: Buffer, companions?: Companions): Promise<number> {
    return this.write('create', key, undefined, (k) => ({ request_put: { key: k, value } }), companions);
  }

  /** Writes `value` only if `key` was last written at `expectedRevision`; returns the new revision. */
  async update(key: string, value: Buffer, expectedRevision: number, companions?: Companions): Promise<number> {
    return this.write('update', key, expectedRevision, (k) => ({ request_put: { key: k, value } }), companions);
  }

  /** Deletes `key` only if it was last written at `expectedRevision`; returns the deletion's revision. */
  async delete(key: string, expectedRevision: number, companions?: Companions): Promise<number> {
    return this.write('delete', key, expectedRevision, (k) => ({ request_delete_range: { key: k } }), companions);
  }

  /**
   * One transaction: `request` on `key` if it was last written at `expectedRevision` (undefined: if it does not
   * exist), plus the companions. A failure names the object's own precondition first (PreconditionFailed, with
   * the current value: re-read and retry), else the first claimed key that was taken (ClaimTaken).
   */
  private async write(op: StoreOp, key: string, expectedRevision: number | undefined, request: (k: Buffer) => IRequestOp,
    companions: Companions = {}): Promise<number> {
    const k = Buffer.from(key);
    const claims = (companions.claim ?? []).map((c) => ({ key: Buffer.from(c.key), value: c.value }));
    const own: ICompare = expectedRevision === undefined
      ? { key: k, target: 'Create', result: 'Equal', create_revision: 0 }
      : { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRevision };
    const res = await this.timed(op, () => this.client.kv.txn({
      compare: [own, ...claims.map((c): ICompare => ({ key: c.key, target: 'Create', result: 'Equal', create_revision: 0 }))],
      success: [
        request(k),
        ...claims.map((c): IRequestOp => ({ request_put: c })),
        ...(companions.release ?? []).map((r): IRequestOp => ({ request_delete_range: { key: Buffer.from(r) } })),
      ],
      failure: [{ request_range: { key: k } }, ...claims.map((c): IRequestOp => ({ request_range: { key: c.key } }))],
    }, this.deadline()));
    if (res.succeeded) return Number(res.header.revision);
    const current = this.firstKv(res.responses);
    const ownHeld = expectedRevision === undefined ? current === undefined : current?.modRevision === expectedRevision;
    const taken = ownHeld ? claims.findIndex((_, i) => (res.responses[i + 1]?.response_range?.kvs.length ?? 0) > 0) : -1;
    if (taken >= 0) throw new ClaimTaken(claims[taken]!.key.toString());
    throw new PreconditionFailed(current);
  }

  private firstKv(responses: { response_range?: { kvs: IKeyValue[] } }[]): StoredValue | undefined {
    const kv = responses[0]?.response_range?.kvs[0];
    return kv ? toStored(kv) : undefined;
  }

  /** Discards history before `revision`: watches and paged lists older than it get 410 Gone afterwards. */
  async compact(revision: number): Promise<void> {
    await this.timed('compact', () => this.client.kv.compact({ revision, physical: false }, this.deadline()));
  }

  /**
   * Streams every change under `prefix` from `fromRevision` on, with previous values.
   * `onError` receives RevisionCompacted when `fromRevision` is no longer in etcd's history.
   * `onDisconnect` fires when the stream broke; the caller decides how to resume.
   */
  async watch(prefix: string, fromRevision: number, handlers: {
    onEvents(events: StoreEvent[], headerRevision: number): void;
    onError(err: Error): void;
    onDisconnect(): void;
  }): Promise<{ cancel(): Promise<void> }> {
    let watcher: Watcher;
    try {
      watcher = await this.client.watch().prefix(prefix).startRevision(String(fromRevision)).withPreviousKV().create();
    } catch (err) {
      throw isCompactedError(err) ? new RevisionCompacted(fromRevision) : err;
    }
    watcher.on('data', (res: IWatchResponse) => {
      const events: StoreEvent[] = res.events.map((ev) => {
        const prev = ev.prev_kv ? toStored(ev.prev_kv) : undefined;
        if (ev.type === 'Put') return { type: 'put', value: toStored(ev.kv), prev };
        return { type: 'delete', key: ev.kv.key.toString(), revision: Number(ev.kv.mod_revision), prev };
      });
      handlers.onEvents(events, Number(res.header.revision));
    });
    watcher.on('disconnected', () => handlers.onDisconnect());
    watcher.on('error', (err: Error) => {
      handlers.onError(isCompactedError(err) ? new RevisionCompacted(fromRevision) : err);
    });
    return { cancel: () => watcher.cancel() };
  }

  close(): void {
    this.client.close();
  }
}
