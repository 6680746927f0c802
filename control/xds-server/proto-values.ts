/** Cairn API values as the protobuf values the Envoy messages want. */
import { parseDuration } from '../../api/duration.js';

export interface ProtoDuration { seconds: string; nanos: number }

/** A validated Go-style duration ("1.5s") as a google.protobuf.Duration. */
export function protoDuration(text: string): ProtoDuration {
  const ms = parseDuration(text);
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** A whole percentage as an envoy.type.v3.FractionalPercent. */
export function fractionalPercent(percent: number): { numerator: number; denominator: 'HUNDRED' } {
  return { numerator: percent, denominator: 'HUNDRED' };
}
