import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriLogWriter, MAX_LINE_BYTES } from '../../test/lab/cri-log-writer.js';
import { readLogLines, type FollowControl, type LogOptions } from './log-reader.js';

let dir: string;
let path: string;
let clock: bigint;
const T0 = 1_700_000_000_000_000_000n;
const SECOND = 1_000_000_000n;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cairn-log-reader-'));
  path = join(dir, '0.log');
  clock = T0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A writer whose clock moves one second per entry; small files so a few lines rotate. */
function writer(maxBytes = 1 << 20, maxFiles = 4): CriLogWriter {
  return new CriLogWriter(path, { maxBytes, maxFiles, nowNs: () => (clock += SECOND) });
}

const done: FollowControl = { finished: async () => true };

async function read(options: LogOptions = {}, control: FollowControl = done): Promise<string> {
  let out = '';
  for await (const line of readLogLines(path, options, control)) out += line.toString();
  return out;
}

function writeLines(w: CriLogWriter, from: number, to: number): void {
  for (let i = from; i <= to; i++) w.write(i % 2 ? 'stdout' : 'stderr', Buffer.from(`line ${i}\n`));
}

describe('readLogLines', () => {
  it('reads every line across rotated files, oldest first', async () => {
    const w = writer(120);
    writeLines(w, 1, 12);
    w.close();
    expect((await readdir(dir)).length).toBeGreaterThan(2);
    const expected = Array.from({ length: 12 }, (_, i) => `line ${i + 1}\n`).join('');
    // maxFiles 4 keeps the newest files only: what is read is a suffix of what was written, complete and in order.
    const got = await read();
    expect(expected.endsWith(got)).toBe(true);
    expect(got.split('\n').length).toBeGreaterThan(4);
  });

  it('tailLines gives the last N lines, across a rotation', async () => {
    const w = writer(60);
    writeLines(w, 1, 5);
    w.close();
    expect(await read({ tailLines: 2 })).toBe('line 4\nline 5\n');
    expect(await read({ tailLines: 0 })).toBe('');
  });

  it('sinceNs drops older lines; timestamps prefixes the RFC 3339 time', async () => {
    const w = writer();
    writeLines(w, 1, 4);
    w.close();
    expect(await read({ sinceNs: T0 + 3n * SECOND })).toBe('line 3\nline 4\n');
    expect(await read({ tailLines: 1, timestamps: true })).toBe('2023-11-14T22:13:24.000000000Z line 4\n');
  });

  it('prints conmon\'s offset timestamps in UTC, and filters on their instant', async () => {
    await writeFile(path, '2023-11-14T22:13:21.000000005+00:00 stdout F one\n2023-11-15T00:13:22.000000000+02:00 stdout F two\n');
    expect(await read({ timestamps: true })).toBe('2023-11-14T22:13:21.000000005Z one\n2023-11-14T22:13:22.000000000Z two\n');
    expect(await read({ sinceNs: T0 + 2n * SECOND })).toBe('two\n');
  });

  it('joins partial entries into one line and applies limitBytes', async () => {
    const w = writer();
    const long = 'x'.repeat(MAX_LINE_BYTES + 10);
    w.write('stdout', Buffer.from(`${long}\nshort\n`));
    w.close();
    expect(await read()).toBe(`${long}\nshort\n`);
    expect(await read({ limitBytes: 5 })).toBe('xxxxx');
  });

  it('follow picks up new lines and a rotation, and ends once the container finished and the file is drained', async () => {
    const w = writer(80, 8);
    writeLines(w, 1, 1);
    let finished = false;
    const abort = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const line of readLogLines(path, { follow: true }, { finished: async () => finished, signal: abort.signal, pollMs: 10 })) seen.push(line.toString());
    })();
    const waitSeen = async (n: number): Promise<void> => {
      for (let i = 0; i < 500 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await waitSeen(1);
    writeLines(w, 2, 6); // one line per 80-byte file: five rotations before the reader looks again
    await waitSeen(6);
    writeLines(w, 7, 7);
    w.close();
    finished = true;
    await following;
    expect(seen.join('')).toBe(Array.from({ length: 7 }, (_, i) => `line ${i + 1}\n`).join(''));
  });

  it('follow stops when the client goes away', async () => {
    const w = writer();
    writeLines(w, 1, 1);
    const abort = new AbortController();
    const lines: string[] = [];
    const following = (async () => {
      for await (const line of readLogLines(path, { follow: true }, { finished: async () => false, signal: abort.signal, pollMs: 10 })) lines.push(line.toString());
    })();
    setTimeout(() => abort.abort(), 50);
    await following;
    w.close();
    expect(lines).toEqual(['line 1\n']);
  });
});
