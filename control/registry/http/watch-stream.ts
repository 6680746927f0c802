import type { ServerResponse } from 'node:http';
import type { CacheEntry } from '../cache/entry.js';
import type { CacheEventType, CacheWatcher } from '../cache/resource-cache.js';
import type { ObjectFilter } from '../cache/filter.js';
import type { Status } from '../../../api/meta.js';

const EVENT_PREFIX: Record<CacheEventType, Buffer> = {
  ADDED: Buffer.from('{"type":"ADDED","object":'),
  MODIFIED: Buffer.from('{"type":"MODIFIED","object":'),
  DELETED: Buffer.from('{"type":"DELETED","object":'),
};
const EVENT_SUFFIX = Buffer.from('}\n');

/** A slow reader that falls this far behind is disconnected (it resumes from its last resourceVersion). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface WatchStreamOptions {
  filter: ObjectFilter;
  /** Turns an entry into the object bytes the client asked for (the object, or a one-row Table). */
  render?: (type: CacheEventType, entry: CacheEntry) => string;
  onClose(): void;
}

/** One `?watch=1` response: newline-delimited JSON events over a chunked HTTP response. */
export class WatchStream implements CacheWatcher {
  readonly filter: ObjectFilter;
  private closed = false;
  private corked = false;
  private maxBuffered = MAX_BUFFERED_BYTES;

  constructor(private readonly res: ServerResponse, private readonly opts: WatchStreamOptions) {
    this.filter = opts.filter;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    res.on('close', () => this.close());
    // The client may have gone while the request waited for the cache: then the stream is over before it starts.
    if (res.destroyed || res.socket?.destroyed) this.close();
  }

  deliver(type: CacheEventType, entry: CacheEntry): boolean {
    if (this.closed) return false;
    if (this.opts.render) return this.write(`{"type":"${type}","object":${this.opts.render(type, entry)}}\n`);
    // The entry's bytes are shared by every watcher; only the small envelope is per event type.
    this.write(EVENT_PREFIX[type]);
    this.write(entry.bytes);
    return this.write(EVENT_SUFFIX);
  }

  bookmark(kind: string, apiVersion: string, revision: number): void {
    this.write(JSON.stringify({ type: 'BOOKMARK', object: { kind, apiVersion, metadata: { resourceVersion: String(revision) } } }) + '\n');
  }

  /** Ends the stream with an ERROR event carrying a Status (e.g. 410 Expired), as Kubernetes does. */
  fail(status: Status): void {
    this.write(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
    this.close();
  }

  terminate(): void {
    this.close();
  }

  /** The initial events of a watch may exceed the slow-reader limit once; the limit then allows for draining them. */
  initialBurstWritten(): void {
    this.maxBuffered = Math.max(MAX_BUFFERED_BYTES, 2 * this.res.writableLength);
  }

  /** Events of one etcd batch leave in one write: cork until the end of the tick, then check the reader keeps up. */
  private write(line: string | Buffer): boolean {
    if (this.closed) return false;
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      process.nextTick(() => {
        this.corked = false;
        this.res.uncork();
        if (this.res.writableLength > this.maxBuffered) this.close();
      });
    }
    this.res.write(line);
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.opts.onClose();
    this.res.end();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
