/** The pure decisions of image garbage collection (kubelet's policy): when to collect, how much, which images. */

export interface GcThresholds {
  /** Collect when disk usage of the image filesystem reaches this percentage. */
  highThresholdPercent: number;
  /** …and free enough to bring usage down to this percentage. */
  lowThresholdPercent: number;
}

export interface DiskStats {
  capacityBytes: number;
  availableBytes: number;
}

export interface GcCandidate {
  id: string;
  lastUsed: number;
}

/** Throws unless 0 ≤ low ≤ high ≤ 100. */
export function checkThresholds({ highThresholdPercent: high, lowThresholdPercent: low }: GcThresholds): void {
  if (!(low >= 0 && low <= high && high <= 100)) throw new Error(`invalid image GC thresholds: low ${low}% must be ≤ high ${high}% ≤ 100%`);
}

/** Bytes to free to get from the current usage down to the low threshold; 0 while under the high threshold. */
export function bytesToFree(disk: DiskStats, thresholds: GcThresholds): number {
  checkThresholds(thresholds);
  const { highThresholdPercent: high, lowThresholdPercent: low } = thresholds;
  if (disk.capacityBytes <= 0) return 0;
  const usedPercent = 100 - (disk.availableBytes * 100) / disk.capacityBytes;
  if (usedPercent < high) return 0;
  return Math.max(0, Math.ceil((disk.capacityBytes * (100 - low)) / 100 - disk.availableBytes));
}

/** Images that may be removed, least recently used first; images in use by a container never are. */
export function gcCandidates<T extends GcCandidate>(images: readonly T[], inUse: ReadonlySet<string>): T[] {
  return images.filter((image) => !inUse.has(image.id)).sort((a, b) => a.lastUsed - b.lastUsed);
}
