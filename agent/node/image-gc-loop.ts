/**
 * Image garbage collection on a schedule (the kubelet's ImageGCPeriod, 5 min) and on demand (DiskPressure):
 * images used by any container on the node, running or exited, are never removed.
 */
import { checkThresholds, type GcThresholds } from '../images/image-gc.js';
import type { GcResult, ImageService } from '../images/image-service.js';
import { Labels } from '../pods/container-config.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { periodic, type Periodic } from '../../control/client/periodic.js';

export const DEFAULT_IMAGE_GC_INTERVAL_MS = 5 * 60_000;
/** The kubelet's imageGCHighThresholdPercent and imageGCLowThresholdPercent. */
export const DEFAULT_IMAGE_GC_THRESHOLDS: GcThresholds = { highThresholdPercent: 85, lowThresholdPercent: 80 };

export interface ImageGcLoopOptions {
  thresholds?: GcThresholds;
  intervalMs?: number;
  /** Passed to garbageCollect (images used more recently are kept). */
  minAgeMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Image IDs of the containers the runtime has (labelled by the pod worker when it creates them). */
export async function imagesInUse(runtime: Pick<ContainerRuntime, 'listContainers'>): Promise<Set<string>> {
  const ids = (await runtime.listContainers()).map((c) => c.labels[Labels.imageId]);
  return new Set(ids.filter((id): id is string => Boolean(id)));
}

export class ImageGcLoop {
  private loop?: Periodic;
  private inFlight?: Promise<GcResult>;
  private readonly thresholds: GcThresholds;

  constructor(
    private readonly images: Pick<ImageService, 'garbageCollect'>,
    private readonly runtime: Pick<ContainerRuntime, 'listContainers'>,
    private readonly opts: ImageGcLoopOptions = {},
  ) {
    this.thresholds = opts.thresholds ?? DEFAULT_IMAGE_GC_THRESHOLDS;
    checkThresholds(this.thresholds);
  }

  start(): void {
    this.loop = periodic(() => this.collect(), this.opts.intervalMs ?? DEFAULT_IMAGE_GC_INTERVAL_MS, {
      onError: (err) => this.opts.log?.('image garbage collection failed', { error: (err as Error).message }),
    });
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    await this.inFlight?.catch(() => undefined);
  }

  /** Collects now; a call while a collection runs gets that collection's result. */
  collect(): Promise<GcResult> {
    this.inFlight ??= this.run().finally(() => { this.inFlight = undefined; });
    return this.inFlight;
  }

  private async run(): Promise<GcResult> {
    const inUse = await imagesInUse(this.runtime);
    const result = await this.images.garbageCollect({ ...this.thresholds, inUse, minAgeMs: this.opts.minAgeMs });
    if (result.neededBytes > 0) this.opts.log?.('image garbage collection', { removed: result.removed.length, freedBytes: result.freedBytes, neededBytes: result.neededBytes });
    return result;
  }
}
