/**
 * The pod ranges of one IPv4 cluster CIDR cut into equal subnets (kube-controller-manager's cidrset):
 * which are handed out, which are free. Pure and synchronous, so concurrent reconciles cannot hand one out twice.
 */
import { type Ipv4Cidr, formatIpv4, parseIpv4Cidr } from '../../../api/ipv4.js';

/** More subnets than this (2^16, as Kubernetes allows) would make the bitmap and the scan needlessly large. */
const MAX_SUBNET_BITS = 16;

export class CidrSet {
  /** Host bits, if the CIDR was written with any, are ignored: subnets start at `cluster.first`. */
  private readonly cluster: Ipv4Cidr;
  private readonly subnetSize: number;
  /** Number of subnets, each of `subnetSize` addresses. */
  readonly capacity: number;
  private readonly used: Uint8Array;
  private usedCount = 0;
  /** Allocation continues after the last one handed out, so a just-freed range is not reused at once. */
  private nextCandidate = 0;

  /** Throws when `clusterCIDR` is not IPv4 or `maskSize` does not fit it. */
  constructor(readonly clusterCIDR: string, readonly maskSize: number) {
    const cluster = parseIpv4Cidr(clusterCIDR);
    if (!cluster) throw new Error(`cluster CIDR ${JSON.stringify(clusterCIDR)} is not an IPv4 CIDR (a.b.c.d/n)`);
    if (!Number.isInteger(maskSize) || maskSize < cluster.prefix || maskSize > 32) {
      throw new Error(`node CIDR mask size ${maskSize} must be an integer between the cluster prefix (${cluster.prefix}) and 32`);
    }
    if (maskSize - cluster.prefix > MAX_SUBNET_BITS) {
      throw new Error(`node CIDR mask size ${maskSize} cuts ${clusterCIDR} into more than 2^${MAX_SUBNET_BITS} ranges`);
    }
    this.cluster = cluster;
    this.subnetSize = 2 ** (32 - maskSize);
    this.capacity = 2 ** (maskSize - cluster.prefix);
    this.used = new Uint8Array(this.capacity);
  }

  get free(): number {
    return this.capacity - this.usedCount;
  }

  /** Hands out the next free subnet, or undefined when all are in use. */
  allocateNext(): string | undefined {
    for (let i = 0; i < this.capacity; i++) {
      const candidate = (this.nextCandidate + i) % this.capacity;
      if (this.used[candidate]) continue;
      this.mark(candidate, 1);
      this.nextCandidate = (candidate + 1) % this.capacity;
      return `${formatIpv4(this.cluster.first + candidate * this.subnetSize)}/${this.maskSize}`;
    }
    return undefined;
  }

  /** Marks every subnet `cidr` overlaps as used (a node may hold a range of another size); ignores what lies outside. */
  occupy(cidr: string): void {
    for (const i of this.indexesOf(cidr)) this.mark(i, 1);
  }

  /** Frees every subnet `cidr` overlaps. */
  release(cidr: string): void {
    for (const i of this.indexesOf(cidr)) this.mark(i, 0);
  }

  private mark(i: number, value: 0 | 1): void {
    if (this.used[i] === value) return;
    this.used[i] = value;
    this.usedCount += value ? 1 : -1;
  }

  private indexesOf(cidr: string): number[] {
    const range = parseIpv4Cidr(cidr);
    if (!range || range.last < this.cluster.first || range.first > this.cluster.last) return [];
    const from = Math.floor((Math.max(range.first, this.cluster.first) - this.cluster.first) / this.subnetSize);
    const to = Math.floor((Math.min(range.last, this.cluster.last) - this.cluster.first) / this.subnetSize);
    return Array.from({ length: to - from + 1 }, (_, k) => from + k);
  }
}
