/** Made-up but unique addresses for hollow nodes and their pods; nothing routes to them. */

/** Hollow nodes' InternalIPs: 10.0.0.0/8, node n (1-based) at 10.0.0.0 + n. */
const NODE_BASE = (10 << 24) >>> 0;
/** Pod addresses: 100.64.0.0/10 (shared address space, never a real cluster's pod range here), one block per node. */
const POD_BASE = ((100 << 24) | (64 << 16)) >>> 0;
const POD_SPACE = 1 << 22;

export function ipv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function parseIpv4(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function hollowNodeIP(index: number): string {
  return ipv4((NODE_BASE + index) >>> 0);
}

/**
 * Pod addresses of one hollow node: a block of the smallest power of two above its pod capacity, so
 * addresses are unique across nodes while (number of nodes x block) fits in 100.64.0.0/10 (38,000 nodes
 * of 110 pods); beyond that blocks wrap around, which only a simulation can tolerate.
 * An address is reused only after it is released.
 */
export class PodAddressPool {
  private readonly base: number;
  private readonly size: number;
  private next = 1;
  private readonly free: number[] = [];
  private readonly used = new Set<number>();

  constructor(nodeIndex: number, maxPods: number) {
    this.size = 2 ** Math.ceil(Math.log2(maxPods + 2));
    this.base = POD_BASE + (((nodeIndex - 1) * this.size) % POD_SPACE);
  }

  /** A free address; when the block is full (more pods than the node's capacity, which the scheduler prevents), its last address, shared. */
  allocate(): string {
    const offset = this.free.pop() ?? (this.next < this.size - 1 ? this.next++ : undefined);
    if (offset === undefined) return ipv4(this.base + this.size - 1);
    this.used.add(offset);
    return ipv4(this.base + offset);
  }

  /** Marks an address found in a pod's status (from an earlier run) as taken, if it is in this block. */
  reserve(ip: string): boolean {
    const n = parseIpv4(ip);
    if (n === undefined || n <= this.base || n >= this.base + this.size - 1) return false;
    const offset = n - this.base;
    this.used.add(offset);
    const i = this.free.indexOf(offset);
    if (i >= 0) this.free.splice(i, 1);
    while (this.next <= offset) {
      if (!this.used.has(this.next)) this.free.push(this.next);
      this.next++;
    }
    return true;
  }

  release(ip: string): void {
    const n = parseIpv4(ip);
    if (n === undefined) return;
    const offset = n - this.base;
    if (offset > 0 && offset < this.size - 1 && this.used.delete(offset)) this.free.push(offset);
  }
}
