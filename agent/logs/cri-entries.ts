/**
 * Reading the CRI log format conmon writes for the runc runtime (runtime/runc/conmon.ts):
 * `<RFC3339Nano> <stdout|stderr> <F|P> <text>\n`, rotated as `log.N` ... `log.1` (oldest first), then `log`.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface CriEntry {
  /** As written: RFC 3339 with nine fraction digits, `...05.000000000Z` (containerd) or `...05.000000000+00:00` (conmon). */
  time: string;
  stream: 'stdout' | 'stderr';
  /** P: the line continues in the stream's next entry. */
  partial: boolean;
  text: Buffer;
}

/** undefined for a line that is not a CRI entry (a torn write is skipped, not fatal). */
export function parseCriEntry(line: Buffer): CriEntry | undefined {
  const s1 = line.indexOf(0x20);
  const s2 = s1 < 0 ? -1 : line.indexOf(0x20, s1 + 1);
  const s3 = s2 < 0 ? -1 : line.indexOf(0x20, s2 + 1);
  if (s3 < 0) return undefined;
  const stream = line.subarray(s1 + 1, s2).toString();
  const tag = line.subarray(s2 + 1, s3).toString();
  if ((stream !== 'stdout' && stream !== 'stderr') || (tag !== 'F' && tag !== 'P')) return undefined;
  return { time: line.subarray(0, s1).toString(), stream, partial: tag === 'P', text: line.subarray(s3 + 1) };
}

/** Nanoseconds since the epoch of an RFC 3339 time with up to 9 fractional digits; undefined if unreadable. */
export function timeNs(text: string): bigint | undefined {
  const m = /^(.+?)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** The fixed-width UTC form `2006-01-02T15:04:05.000000000Z` (containerd's, and what the kubelet prints for --timestamps). */
export function formatTimestamp(ns: bigint): string {
  const seconds = new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  return `${seconds}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

/** The rotated files of `logPath`, oldest first (`log.3`, `log.2`, `log.1`); the live file is not included. */
export async function rotatedFiles(logPath: string): Promise<string[]> {
  const base = basename(logPath);
  const indexes: number[] = [];
  for (const name of await readdir(dirname(logPath)).catch(() => [] as string[])) {
    const suffix = name.startsWith(`${base}.`) ? name.slice(base.length + 1) : '';
    if (/^\d+$/.test(suffix)) indexes.push(Number(suffix));
  }
  return indexes.sort((a, b) => b - a).map((i) => join(dirname(logPath), `${base}.${i}`));
}

/**
 * Joins a stream's P(artial) entries with the F entry that ends them, as the kubelet does; stdout and stderr
 * are joined separately since their entries interleave. The joined line carries its first part's time.
 */
export class LineJoiner {
  private readonly pending = new Map<string, { time: string; parts: Buffer[] }>();

  /** The completed line, or undefined while the entry's line goes on. */
  push(entry: CriEntry): { time: string; text: Buffer } | undefined {
    const open = this.pending.get(entry.stream);
    if (entry.partial) {
      if (open) open.parts.push(entry.text);
      else this.pending.set(entry.stream, { time: entry.time, parts: [entry.text] });
      return undefined;
    }
    if (!open) return { time: entry.time, text: entry.text };
    this.pending.delete(entry.stream);
    return { time: open.time, text: Buffer.concat([...open.parts, entry.text]) };
  }
}
