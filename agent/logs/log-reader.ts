/**
 * A container's log as the kubelet serves it: the lines of its CRI log files across rotation, in order, with
 * partial entries joined, filtered by time, the last N, optionally timestamped, cut at a byte limit, and
 * followed (new lines and new rotations) until the container has exited and the file is drained.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatTimestamp, LineJoiner, parseCriEntry, rotatedFiles, timeNs } from './cri-entries.js';

export interface LogOptions {
  /** Only the last N lines (of those `sinceNs` lets through). */
  tailLines?: number;
  /** Only lines written at or after this time, in nanoseconds since the epoch. */
  sinceNs?: bigint;
  /** Prefix each line with its RFC 3339 time and a space, like `kubectl logs --timestamps`. */
  timestamps?: boolean;
  /** Stop after this many bytes of output (the last line may be cut). */
  limitBytes?: number;
  follow?: boolean;
}

export interface FollowControl {
  /** True once nothing more will be written: the container has exited (its writer closed the file). */
  finished(): Promise<boolean>;
  /** The client went away. */
  signal?: AbortSignal;
  pollMs?: number;
}

const CHUNK = 64 * 1024;

/** One open log file read forward from where the last read stopped; keeps a torn last line for the next read. */
class FileCursor {
  private offset = 0;
  private rest = Buffer.alloc(0);

  private constructor(private readonly handle: FileHandle, readonly ino: number) {}

  static async open(path: string): Promise<FileCursor | undefined> {
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) return undefined;
    return new FileCursor(handle, (await handle.stat()).ino);
  }

  /** The complete lines (without their newline) written since the last call. */
  async lines(): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (;;) {
      const buffer = Buffer.alloc(CHUNK);
      const { bytesRead } = await this.handle.read(buffer, 0, CHUNK, this.offset);
      if (!bytesRead) return out;
      this.offset += bytesRead;
      let data = Buffer.concat([this.rest, buffer.subarray(0, bytesRead)]);
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a)) {
        out.push(data.subarray(0, nl));
        data = data.subarray(nl + 1);
      }
      this.rest = Buffer.from(data);
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Turns raw CRI lines into output lines: joins partials, applies `since` and the timestamp prefix. */
function formatter(options: LogOptions): (raw: Buffer) => Buffer | undefined {
  const joiner = new LineJoiner();
  return (raw) => {
    const entry = parseCriEntry(raw);
    const line = entry && joiner.push(entry);
    if (!line) return undefined;
    const ns = timeNs(line.time);
    if (options.sinceNs !== undefined && (ns ?? 0n) < options.sinceNs) return undefined;
    // Printed in UTC whatever offset the writer used (conmon writes +00:00), as the kubelet does.
    const stamp = options.timestamps ? `${ns === undefined ? line.time : formatTimestamp(ns)} ` : '';
    return Buffer.concat([Buffer.from(stamp), line.text, Buffer.from('\n')]);
  };
}

/**
 * Rotated files oldest first, then the live one (already open, so a rotation meanwhile is not read twice).
 * With `after`, only the rotated files newer than the one with that inode (all of them if it is gone).
 */
async function* existingLines(logPath: string, live: FileCursor | undefined, after?: number): AsyncGenerator<Buffer> {
  const files = await Promise.all((await rotatedFiles(logPath)).map(async (path) => ({ path, ino: (await stat(path).catch(() => undefined))?.ino })));
  const seen = after === undefined ? -1 : files.findIndex((f) => f.ino === after);
  for (const { path, ino } of files.slice(seen + 1)) {
    if (live && ino === live.ino) continue;
    const cursor = await FileCursor.open(path);
    if (!cursor) continue;
    try {
      yield* await cursor.lines();
    } finally {
      await cursor.close();
    }
  }
  if (live) yield* await live.lines();
}

async function* unlimitedLines(logPath: string, options: LogOptions, control: FollowControl): AsyncGenerator<Buffer> {
  const format = formatter(options);
  let live = await FileCursor.open(logPath);
  try {
    const tail: Buffer[] = [];
    for await (const raw of existingLines(logPath, live)) {
      const line = format(raw);
      if (!line) continue;
      if (options.tailLines === undefined) yield line;
      else {
        tail.push(line);
        if (tail.length > options.tailLines) tail.shift();
      }
    }
    yield* tail;
    if (!options.follow) return;
    for (;;) {
      if (control.signal?.aborted) return;
      // Asked before reading: whatever was written before the writer finished is read below.
      const finished = await control.finished();
      let progressed = false;
      for (;;) {
        const lines = live ? await live.lines() : [];
        for (const raw of lines) {
          const line = format(raw);
          if (line) yield line;
        }
        progressed ||= lines.length > 0;
        const current = await stat(logPath).catch(() => undefined);
        if (!current || current.ino === live?.ino) break;
        // Rotated (or created): the old file was drained just above; then come the files rotated since (several
        // rotations may have happened between two polls) and the new live file from its start.
        const drained = live?.ino;
        await live?.close();
        live = await FileCursor.open(logPath);
        if (drained !== undefined) {
          for await (const raw of existingLines(logPath, live, drained)) {
            const line = format(raw);
            if (line) yield line;
          }
        }
        progressed = true;
      }
      if (finished) return;
      if (!progressed) {
        try {
          await sleep(control.pollMs ?? 100, undefined, { signal: control.signal });
        } catch {
          return; // aborted
        }
      }
    }
  } finally {
    await live?.close();
  }
}

/** The container's log lines, each ending in a newline, as `options` asks. Ends when the client aborts. */
export async function* readLogLines(logPath: string, options: LogOptions, control: FollowControl): AsyncGenerator<Buffer> {
  let left = options.limitBytes;
  for await (const line of unlimitedLines(logPath, options, control)) {
    if (left === undefined) {
      yield line;
      continue;
    }
    yield line.subarray(0, left);
    left -= Math.min(left, line.length);
    if (left === 0) return;
  }
}
