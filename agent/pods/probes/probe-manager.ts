/**
 * Runs every probe of every running container on a timer of its own, as the kubelet's prober workers:
 * the first attempt after initialDelaySeconds, then every periodSeconds. Liveness and readiness wait until
 * the startup probe (if any) has succeeded. Whenever a result changes, `onChange` is told, so the pod is
 * synced again: it reads results with `result()`.
 */
import type { Container, Probe } from '../../../api/types/core.js';
import { initialProbeState, nextProbeState, type ProbeKind, type ProbeResult, type ProbeState } from './probe-state.js';
import type { ProbeRunner, ProbeTarget } from './probe-runner.js';

export interface ProbeChange {
  podKey: string;
  containerId: string;
  kind: ProbeKind;
  result: ProbeResult | undefined;
  /** The last attempt's output (why it failed). */
  message: string;
}

const KINDS: [ProbeKind, 'startupProbe' | 'livenessProbe' | 'readinessProbe'][] = [
  ['startup', 'startupProbe'], ['liveness', 'livenessProbe'], ['readiness', 'readinessProbe'],
];

interface Worker {
  probe: Probe;
  state: ProbeState;
  timer?: NodeJS.Timeout;
}

interface Watched {
  podKey: string;
  target: ProbeTarget;
  workers: Map<ProbeKind, Worker>;
}

export class ProbeManager {
  private readonly containers = new Map<string, Watched>();

  constructor(private readonly run: ProbeRunner, private readonly onChange: (change: ProbeChange) => void) {}

  /**
   * Starts probing a running container (idempotent). `seed` carries what the pod's status already said of it
   * (an agent restart adopting a container): a ready container stays ready until its probe says otherwise.
   */
  ensure(podKey: string, containerId: string, netnsPath: string, spec: Container, seed: { ready?: boolean; started?: boolean } = {}): void {
    if (this.containers.has(containerId)) return;
    const watched: Watched = { podKey, target: { containerId, netnsPath, spec }, workers: new Map() };
    this.containers.set(containerId, watched);
    for (const [kind, field] of KINDS) {
      const probe = spec[field];
      if (!probe) continue;
      const worker: Worker = { probe, state: initialProbeState(kind) };
      if ((kind === 'readiness' && seed.ready) || (kind === 'startup' && seed.started)) worker.state.result = 'success';
      watched.workers.set(kind, worker);
      this.schedule(watched, kind, worker, (probe.initialDelaySeconds ?? 0) * 1000);
    }
  }

  /** The current result; undefined when the container has no such probe (or no conclusive startup attempt yet). */
  result(containerId: string, kind: ProbeKind): ProbeResult | undefined {
    return this.containers.get(containerId)?.workers.get(kind)?.state.result;
  }

  has(containerId: string, kind: ProbeKind): boolean {
    return !!this.containers.get(containerId)?.workers.has(kind);
  }

  /** Stops probing `containerId` (it stopped or is being removed). */
  remove(containerId: string): void {
    const watched = this.containers.get(containerId);
    if (!watched) return;
    for (const worker of watched.workers.values()) clearTimeout(worker.timer);
    this.containers.delete(containerId);
  }

  /** Stops every container's probes except those in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const id of [...this.containers.keys()]) if (!keep.has(id)) this.remove(id);
  }

  stop(): void {
    this.retain(new Set());
  }

  private schedule(watched: Watched, kind: ProbeKind, worker: Worker, delayMs: number): void {
    worker.timer = setTimeout(() => void this.attempt(watched, kind, worker), delayMs);
    worker.timer.unref();
  }

  private async attempt(watched: Watched, kind: ProbeKind, worker: Worker): Promise<void> {
    const startup = watched.workers.get('startup');
    const gated = kind !== 'startup' && startup && startup.state.result !== 'success';
    // Once startup has succeeded it is not probed again, like the kubelet.
    const finished = kind === 'startup' && worker.state.result === 'success';
    if (!gated && !finished) {
      const attempt = await this.run(worker.probe, watched.target);
      if (this.containers.get(watched.target.containerId) !== watched) return; // removed meanwhile
      const before = worker.state.result;
      worker.state = nextProbeState(worker.state, attempt.ok, worker.probe);
      if (worker.state.result !== before) {
        this.onChange({ podKey: watched.podKey, containerId: watched.target.containerId, kind, result: worker.state.result, message: attempt.message });
      }
    }
    this.schedule(watched, kind, worker, (worker.probe.periodSeconds ?? 10) * 1000);
  }
}
