import { staticBandSize } from './used-set.js';

/** A node port range `min-max` (both included), as kube-apiserver's --service-node-port-range. */
export class PortRange {
  /** Offsets below this are left for explicit requests (kube: min(max(16, size/32), 128)). */
  readonly staticBand: number;
  readonly size: number;

  private constructor(readonly min: number, readonly max: number) {
    this.size = max - min + 1;
    this.staticBand = staticBandSize(this.size, 16, 128, 32);
  }

  static parse(text: string): PortRange {
    const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(text);
    const [min, max] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
    if (!(min >= 1 && max <= 65535 && min <= max)) {
      throw new Error(`node port range ${JSON.stringify(text)} must be "min-max" with 1 <= min <= max <= 65535, such as 30000-32767`);
    }
    return new PortRange(min, max);
  }

  offsetOf(port: number): number | undefined {
    return Number.isInteger(port) && port >= this.min && port <= this.max ? port - this.min : undefined;
  }

  at(offset: number): number {
    return this.min + offset;
  }

  toString(): string {
    return `${this.min}-${this.max}`;
  }
}
