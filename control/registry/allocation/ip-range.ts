import { formatIpv4, parseIpv4, parseIpv4Cidr } from '../../../api/ipv4.js';
import { staticBandSize } from './used-set.js';

/** kube-apiserver refuses IPv4 service ranges wider than /12: a bigger bitmap buys nothing. */
const WIDEST_PREFIX = 12;
/** A /31 or /32 has no address left once the network and broadcast addresses are set aside. */
const NARROWEST_PREFIX = 30;

/**
 * The IPv4 range services get cluster IPs from. Offsets number the usable addresses: offset 0 is the address
 * after the network address, and the broadcast address has none, so neither is ever handed out.
 */
export class IPv4Range {
  /** Offsets below this are left for explicit requests (kube: min(max(16, size/16), 256)). */
  readonly staticBand: number;

  private constructor(readonly cidr: string, private readonly first: number, readonly size: number) {
    this.staticBand = staticBandSize(size, 16, 256, 16);
  }

  /** Parses `a.b.c.d/n`; the address is masked to the network (10.96.0.1/12 means 10.96.0.0/12). */
  static parse(cidr: string): IPv4Range {
    const block = parseIpv4Cidr(cidr);
    if (!block) throw new Error(`service CIDR ${JSON.stringify(cidr)} is not an IPv4 CIDR such as 10.96.0.0/12`);
    const { prefix, first, last } = block;
    if (prefix < WIDEST_PREFIX || prefix > NARROWEST_PREFIX) {
      throw new Error(`service CIDR ${cidr} must have a prefix length between /${WIDEST_PREFIX} and /${NARROWEST_PREFIX}`);
    }
    return new IPv4Range(`${formatIpv4(first)}/${prefix}`, first + 1, last - first - 1);
  }

  /** The offset of a usable address in the range; undefined for addresses outside it, the network and the broadcast address. */
  offsetOf(ip: string): number | undefined {
    const address = parseIpv4(ip);
    if (address === undefined) return undefined;
    const offset = address - this.first;
    return offset >= 0 && offset < this.size ? offset : undefined;
  }

  at(offset: number): string {
    return formatIpv4(this.first + offset);
  }

  toString(): string {
    return this.cidr;
  }
}
