/** Go-style duration strings (`time.ParseDuration`): `1h2m3.5s`, `250ms`, `1.5s`, `0`. */

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/;

export const DURATION_HINT = 'must be a duration such as "250ms", "1.5s" or "1h2m3s" (units: ns, us, ms, s, m, h)';

/** Milliseconds (possibly fractional) in `text`; throws an Error naming the problem and the expected form. */
export function parseDuration(text: string): number {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  // Go accepts a bare zero without a unit; any other number needs one.
  if (rest === '0') return 0;
  if (rest === '') throw new Error(`invalid duration ${JSON.stringify(text)}: ${DURATION_HINT}`);
  let total = 0;
  while (rest) {
    const m = PART.exec(rest);
    if (!m) {
      const why = /^[\d.]+$/.test(rest) ? `missing unit after "${rest}"` : `unexpected "${rest}"`;
      throw new Error(`invalid duration ${JSON.stringify(text)}: ${why}; ${DURATION_HINT}`);
    }
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}
