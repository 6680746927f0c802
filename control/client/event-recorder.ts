/**
 * Records Events about objects, as client-go's event broadcaster: fire and forget, never blocking the caller.
 * Repeats of the same (object, type, reason, message) within the aggregation window bump `count` on the
 * existing Event instead of creating another; the queue is bounded and drops (and counts) what overflows,
 * so a storm of events can never slow the component that emits them.
 */
import { randomBytes } from 'node:crypto';
import type { ApiObject } from '../../api/meta.js';
import type { Event } from '../../api/types/core.js';
import { apiVersionOf } from '../../api/resources.js';
import { resourceForKind } from '../../api/catalog.js';
import type { ApiClient } from './client.js';

export type EventType = 'Normal' | 'Warning';

/** Distinct recent events remembered for aggregation; the least recently seen are forgotten first. */
const MAX_REMEMBERED = 4096;

export interface EventRecorderOptions {
  component: string;
  host?: string;
  /** Events waiting to be written beyond this are dropped. */
  maxQueued?: number;
  /** Writes in flight at once. */
  concurrency?: number;
  aggregationWindowMs?: number;
  now?: () => number;
}

interface Recorded {
  event: Event;
  at: number;
}

export class EventRecorder {
  private readonly queue: Event[] = [];
  private readonly recent = new Map<string, Recorded>();
  private inFlight = 0;
  private idle: (() => void)[] = [];
  dropped = 0;
  written = 0;

  constructor(private readonly client: ApiClient, private readonly opts: EventRecorderOptions) {}

  record(obj: ApiObject, type: EventType, reason: string, message: string): void {
    const now = (this.opts.now ?? Date.now)();
    const ns = obj.metadata.namespace ?? 'default';
    const dedupKey = `${obj.metadata.uid ?? `${ns}/${obj.metadata.name}`}\0${type}\0${reason}\0${message}`;
    const window = this.opts.aggregationWindowMs ?? 10 * 60_000;
    const previous = this.recent.get(dedupKey);
    const stamp = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
    let event: Event;
    if (previous && now - previous.at < window) {
      event = { ...previous.event, count: (previous.event.count ?? 1) + 1, lastTimestamp: stamp };
    } else {
      const type_ = resourceForKind(obj.apiVersion, obj.kind);
      event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${obj.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
        involvedObject: {
          kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid,
          apiVersion: type_ ? apiVersionOf(type_) : obj.apiVersion, resourceVersion: obj.metadata.resourceVersion,
        },
        reason, message, type, count: 1, firstTimestamp: stamp, lastTimestamp: stamp,
        source: { component: this.opts.component, ...(this.opts.host ? { host: this.opts.host } : {}) },
      };
    }
    // Oldest first in the map (re-inserted on every use), so trimming to the bound is O(1) per event.
    this.recent.delete(dedupKey);
    this.recent.set(dedupKey, { event, at: previous && now - previous.at < window ? previous.at : now });
    while (this.recent.size > MAX_REMEMBERED) this.recent.delete(this.recent.keys().next().value!);
    if (this.queue.length >= (this.opts.maxQueued ?? 1000)) {
      this.dropped++;
      return;
    }
    this.queue.push(event);
    this.pump();
  }

  /** Resolves when every queued event has been written (or has failed). */
  flush(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < (this.opts.concurrency ?? 4) && this.queue.length) {
      const event = this.queue.shift()!;
      this.inFlight++;
      void this.write(event).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) for (const done of this.idle.splice(0)) done();
      });
    }
  }

  private async write(event: Event): Promise<void> {
    const events = this.client.resource<Event>('events');
    try {
      if ((event.count ?? 1) > 1) {
        await events.patch(event.metadata.name!, { count: event.count, lastTimestamp: event.lastTimestamp }, 'application/merge-patch+json', event.metadata.namespace);
      } else {
        await events.create(event);
      }
      this.written++;
    } catch {
      // Events are best effort (the first write of a repeated event may still be queued, or the namespace gone).
      this.dropped++;
    }
  }
}
