/**
 * A real node agent's Prometheus metrics (kubelet-like): how long runtime operations and image pulls take, how
 * long pods take to start, how syncs go, and what runs now (read at scrape time).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Pod } from '../api/types/core.js';
import type { ImageService } from './images/image-service.js';
import type { ContainerRuntime } from './runtime/runtime.js';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const POD_START_SECONDS = [0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300];

type Result = 'ok' | 'error';

export class AgentMetrics {
  readonly registry = new Registry();
  private readonly runtimeOps: Histogram<'operation' | 'result'>;
  private readonly imageEnsures: Histogram<'result'>;
  private readonly podStarts: Histogram;
  private readonly podSyncs: Counter<'result'>;

  /** `pods` and `runtime` are read at scrape time for the current counts. */
  constructor(read: { pods: () => number; runtime?: ContainerRuntime } = { pods: () => 0 }) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.runtimeOps = new Histogram({
      name: 'cairn_agent_runtime_operations_duration_seconds', help: 'Container runtime operations (runc, conmon) by operation and result.',
      labelNames: ['operation', 'result'], buckets: SECONDS, registers,
    });
    this.imageEnsures = new Histogram({
      name: 'cairn_agent_image_ensure_duration_seconds', help: 'Making a container\'s image present (cache hit or pull) by result.',
      labelNames: ['result'], buckets: SECONDS, registers,
    });
    this.podStarts = new Histogram({
      name: 'cairn_agent_pod_start_duration_seconds', help: 'From pod creation to the agent first reporting it Running.',
      buckets: POD_START_SECONDS, registers,
    });
    this.podSyncs = new Counter({ name: 'cairn_agent_pod_syncs_total', help: 'Pod syncs by result (errors are retried).', labelNames: ['result'], registers });
    new Gauge({ name: 'cairn_agent_pods', help: 'Pods bound to this node.', registers, collect() { this.set(read.pods()); } });
    const runtime = read.runtime;
    if (runtime) {
      new Gauge({
        name: 'cairn_agent_containers', help: 'Containers on this node by state.', labelNames: ['state'], registers,
        async collect() {
          this.reset();
          for (const c of await runtime.listContainers()) this.inc({ state: c.state });
        },
      });
    }
  }

  /** The runtime with every operation timed; behaviour unchanged. */
  instrumentRuntime(runtime: ContainerRuntime): ContainerRuntime {
    return new Proxy(runtime, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        // A generic wrapper for the interface's async methods: their argument lists differ.
        return (...args: unknown[]) => timed((result, seconds) => this.runtimeOps.observe({ operation: property, result }, seconds),
          () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      },
    });
  }

  /** The image service's ensureImage, timed. */
  instrumentImages(images: Pick<ImageService, 'ensureImage'>): Pick<ImageService, 'ensureImage'> {
    return { ensureImage: (...args) => timed((result, seconds) => this.imageEnsures.observe({ result }, seconds), () => images.ensureImage(...args)) };
  }

  /** Call when the agent first reports `pod` Running. */
  podStarted(pod: Pod, now = Date.now()): void {
    const created = Date.parse(pod.metadata.creationTimestamp ?? '');
    if (!Number.isNaN(created)) this.podStarts.observe(Math.max(0, now - created) / 1000);
  }

  podSynced(result: Result): void {
    this.podSyncs.inc({ result });
  }
}

/** Runs `fn` and reports its outcome and duration. */
async function timed<T>(observe: (result: Result, seconds: number) => void, fn: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  const seconds = (): number => Number(process.hrtime.bigint() - start) / 1e9;
  try {
    const value = await fn();
    observe('ok', seconds());
    return value;
  } catch (err) {
    observe('error', seconds());
    throw err;
  }
}
