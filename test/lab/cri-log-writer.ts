/**
 * A CRI log writer for the log reader's tests (the agent's own logs are written by conmon): entries
 * `<RFC3339Nano> <stdout|stderr> <F|P> <text>\n` with a controllable clock, rotating exactly when the next
 * entry would pass `maxBytes` (with the runtime's rotation scheme), so tests can rotate at will.
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { formatTimestamp } from '../../agent/logs/cri-entries.js';
import { rotateLogFiles } from '../../agent/runtime/runc/log-rotation.js';

export type LogStream = 'stdout' | 'stderr';

/** containerd's default max_container_log_line_size: longer lines are split into P(artial) entries. */
export const MAX_LINE_BYTES = 16 * 1024;

export interface CriLogOptions {
  maxBytes: number;
  /** Files kept including the live one (the kubelet's containerLogMaxFiles); at least 2. */
  maxFiles: number;
  /** Injected for tests; nanoseconds since the epoch. */
  nowNs?: () => bigint;
}

/** Wall clock with the sub-millisecond part performance.now() offers. */
function wallClockNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}


export class CriLogWriter {
  private fd: number;
  private size: number;
  private readonly pending: Record<LogStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  private readonly nowNs: () => bigint;

  constructor(private readonly path: string, private readonly options: CriLogOptions) {
    this.fd = openSync(path, 'a');
    this.size = statSync(path).size;
    this.nowNs = options.nowNs ?? wallClockNs;
  }

  /** Appends output; complete lines are written at once, a trailing partial line waits for more. */
  write(stream: LogStream, chunk: Buffer): void {
    let buffer = Buffer.concat([this.pending[stream], chunk]);
    for (;;) {
      const newline = buffer.indexOf(0x0a);
      if (newline >= 0 && newline <= MAX_LINE_BYTES) {
        this.entry(stream, 'F', buffer.subarray(0, newline));
        buffer = buffer.subarray(newline + 1);
      } else if (buffer.length > MAX_LINE_BYTES) {
        this.entry(stream, 'P', buffer.subarray(0, MAX_LINE_BYTES));
        buffer = buffer.subarray(MAX_LINE_BYTES);
      } else break;
    }
    this.pending[stream] = buffer;
  }

  /** The stream ended: its unterminated last line is written as a full one. */
  end(stream: LogStream): void {
    if (this.pending[stream].length) this.entry(stream, 'F', this.pending[stream]);
    this.pending[stream] = Buffer.alloc(0);
  }

  close(): void {
    closeSync(this.fd);
  }

  private entry(stream: LogStream, tag: 'F' | 'P', text: Buffer): void {
    const line = Buffer.concat([Buffer.from(`${formatTimestamp(this.nowNs())} ${stream} ${tag} `), text, Buffer.from('\n')]);
    if (this.size > 0 && this.size + line.length > this.options.maxBytes) this.rotate();
    writeSync(this.fd, line);
    this.size += line.length;
  }

  private rotate(): void {
    closeSync(this.fd);
    rotateLogFiles(this.path, this.options.maxFiles);
    this.fd = openSync(this.path, 'a');
    this.size = 0;
  }
}
