/**
 * Writes the `Accepted` condition and `rejectedBy` of every TrafficRoute, DestinationPolicy and MeshAuthorization
 * from the proxies' ACKs and NACKs of its Service's resources (MeshAuthorization: its `destination`; a
 * namespace default has no Service of its own and is left alone).
 *
 * Writes are debounced (one pass per `debounceMs` however many ACKs arrive), go through the status subresource
 * with the object's resourceVersion (a 409 re-reads the object and recomputes, a few times), and happen only
 * when the status would change; the writer's own updates come back through the informers as no-ops, so it
 * never writes in a loop.
 */
import { ApiError } from '../../api/errors.js';
import type { DestinationPolicy, MeshAuthorization, MeshPolicyStatus, TrafficRoute } from '../../api/types/mesh.js';
import type { Informer } from '../client/informer.js';
import type { ResourceClient } from '../client/resource-client.js';
import { IN_EFFECT, policyStatus, statusChanged, type AcceptedMeaning } from './policy-status.js';
import type { ProxyRegistry, ServiceVerdict } from './proxy-registry.js';

export type MeshPolicy = TrafficRoute | DestinationPolicy | MeshAuthorization;

const CONFLICT_RETRIES = 3;

function targetService(obj: MeshPolicy): string | undefined {
  const spec = obj.spec as { service?: string; destination?: { service?: string } };
  return spec.service ?? spec.destination?.service;
}

export interface StatusWriterOptions {
  /** At most one pass per this many ms (default 500). */
  debounceMs?: number;
  /**
   * The first pass waits this long after start (default 5000), so a restarted server does not mark a policy
   * Accepted before the proxies that reject it have reconnected and said so again.
   */
  startupGraceMs?: number;
  log?: (line: string) => void;
}

/** One mesh policy kind: its informer (started and stopped by the owner) and the client to write its status. */
export interface PolicyKind {
  client: Pick<ResourceClient<MeshPolicy>, 'get' | 'updateStatus'>;
  informer: Informer<MeshPolicy>;
  /** What proxies ACKing its resources means for the kind (default: in effect). */
  meaning?: AcceptedMeaning;
}

export class StatusWriter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  private readonly debounceMs: number;
  private readonly log: (line: string) => void;
  /** No pass before this time: after a restart, proxies get time to reconnect and NACK again. */
  private notBefore = 0;

  constructor(private readonly kinds: readonly PolicyKind[], private readonly registry: ProxyRegistry, private readonly opts: StatusWriterOptions = {}) {
    this.debounceMs = opts.debounceMs ?? 500;
    this.log = opts.log ?? (() => {});
  }

  private readonly onChange = (): void => this.schedule();

  /** Listens to the informers (start them after) and to the registry. */
  start(): void {
    for (const { informer } of this.kinds) {
      informer.on('add', this.onChange);
      informer.on('update', (old, obj) => { if (old.metadata.generation !== obj.metadata.generation) this.schedule(); });
    }
    this.registry.on('change', this.onChange);
    this.notBefore = Date.now() + (this.opts.startupGraceMs ?? 5_000);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.registry.off('change', this.onChange);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.running = this.pass().finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
    }, Math.max(this.debounceMs, this.notBefore - Date.now()));
  }

  private async pass(): Promise<void> {
    const verdicts = this.registry.verdicts();
    for (const kind of this.kinds) {
      for (const obj of kind.informer.list()) {
        const service = targetService(obj);
        if (!service || this.stopped) continue;
        const verdict = verdicts.get(`${obj.metadata.namespace ?? 'default'}/${service}`);
        await writeStatus(kind.client, obj, verdict, kind.meaning).catch((err: Error) => {
          this.log(`xds: status of ${obj.kind ?? 'mesh object'} ${obj.metadata.namespace}/${obj.metadata.name}: ${err.message}`);
        });
      }
    }
  }
}

/**
 * Writes the status `obj` should have through the status subresource, if it differs; on a 409 re-reads the
 * object and recomputes (a few times), so a concurrent writer is neither overwritten nor fought in a loop.
 */
export async function writeStatus(client: Pick<ResourceClient<MeshPolicy>, 'get' | 'updateStatus'>, obj: MeshPolicy, verdict: ServiceVerdict | undefined,
  meaning: AcceptedMeaning = IN_EFFECT): Promise<void> {
  let current = obj;
  for (let attempt = 0; ; attempt++) {
    const status: MeshPolicyStatus | undefined = policyStatus(current.status, verdict, current.metadata.generation, new Date(), meaning);
    if (!status || !statusChanged(current.status, status)) return;
    try {
      await client.updateStatus({ ...current, status });
      return;
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 409 || attempt >= CONFLICT_RETRIES) throw err;
      current = await client.get(current.metadata.name!, current.metadata.namespace);
    }
  }
}
