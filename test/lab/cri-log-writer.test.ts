import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTimestamp } from '../../agent/logs/cri-entries.js';
import { CriLogWriter, MAX_LINE_BYTES } from './cri-log-writer.js';

let dir: string;
let clock: bigint;
const nowNs = () => clock++;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'cri-log-')); clock = 1_700_000_000_000_000_123n; });
afterEach(async () => rm(dir, { recursive: true, force: true }));
const lines = async (name = 'c.log') => (await readFile(join(dir, name), 'utf8')).split('\n').filter(Boolean);

describe('formatTimestamp', () => {
  it('prints RFC 3339 with nine fraction digits', () => {
    expect(formatTimestamp(1_700_000_000_000_000_123n)).toBe('2023-11-14T22:13:20.000000123Z');
    expect(formatTimestamp(1_700_000_000_500_000_000n)).toBe('2023-11-14T22:13:20.500000000Z');
  });
});

describe('CriLogWriter', () => {
  it('writes one entry per line per stream, holding partial lines until complete or ended', async () => {
    const log = new CriLogWriter(join(dir, 'c.log'), { maxBytes: 1 << 20, maxFiles: 2, nowNs });
    log.write('stdout', Buffer.from('hel'));
    log.write('stderr', Buffer.from('oops\n'));
    log.write('stdout', Buffer.from('lo\nwor'));
    log.end('stdout');
    log.end('stderr');
    log.close();
    expect(await lines()).toEqual([
      '2023-11-14T22:13:20.000000123Z stderr F oops',
      '2023-11-14T22:13:20.000000124Z stdout F hello',
      '2023-11-14T22:13:20.000000125Z stdout F wor',
    ]);
  });

  it('splits over-long lines into partial entries', async () => {
    const log = new CriLogWriter(join(dir, 'c.log'), { maxBytes: 1 << 20, maxFiles: 2, nowNs });
    log.write('stdout', Buffer.from(`${'x'.repeat(MAX_LINE_BYTES + 10)}\n`));
    log.close();
    const entries = (await lines()).map((l) => l.split(' '));
    expect(entries.map((e) => [e[2], e[3].length])).toEqual([['P', MAX_LINE_BYTES], ['F', 10]]);
  });

  it('rotates before passing maxBytes and keeps maxFiles files, newest first', async () => {
    const log = new CriLogWriter(join(dir, 'c.log'), { maxBytes: 100, maxFiles: 3, nowNs });
    for (let i = 0; i < 10; i++) log.write('stdout', Buffer.from(`line ${i}\n`)); // 45 bytes per entry: 2 per file
    log.close();
    expect((await readdir(dir)).sort()).toEqual(['c.log', 'c.log.1', 'c.log.2']);
    const text = async (name: string) => (await lines(name)).map((l) => l.split(' ').slice(3).join(' '));
    expect(await text('c.log')).toEqual(['line 8', 'line 9']);
    expect(await text('c.log.1')).toEqual(['line 6', 'line 7']);
    expect(await text('c.log.2')).toEqual(['line 4', 'line 5']);
  });

  it('appends to an existing log, counting its size', async () => {
    for (let round = 0; round < 2; round++) {
      const log = new CriLogWriter(join(dir, 'c.log'), { maxBytes: 100, maxFiles: 2, nowNs });
      log.write('stdout', Buffer.from('line x\n'));
      log.close();
    }
    expect(await lines()).toHaveLength(2);
    const log = new CriLogWriter(join(dir, 'c.log'), { maxBytes: 100, maxFiles: 2, nowNs });
    log.write('stdout', Buffer.from('line y\n'));
    log.close();
    expect(await lines('c.log.1')).toHaveLength(2);
    expect(await lines()).toHaveLength(1);
  });
});
