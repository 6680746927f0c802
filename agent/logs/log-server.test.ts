import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSelfSignedServingCert } from '../../control/pki/certificates.js';
import { Labels } from '../pods/container-config.js';
import { CriLogWriter } from '../../test/lab/cri-log-writer.js';
import type { ContainerStatus } from '../runtime/runtime.js';
import { LogServer, pickAttempt } from './log-server.js';

function status(podId: string, attempt: number, createdAt: string, logPath = ''): ContainerStatus {
  return {
    id: `${podId}-${attempt}`, podId, name: 'main', attempt, state: 'exited', createdAt, logPath,
    labels: { [Labels.podNamespace]: 'ns', [Labels.podName]: 'web' },
  };
}

describe('pickAttempt', () => {
  const all = [status('old-uid', 5, '2024-01-01T00:00:00Z'), status('uid', 0, '2024-02-01T00:00:00Z'), status('uid', 1, '2024-02-01T00:01:00Z')];
  it('takes the newest pod of the name, its latest attempt or the one before', () => {
    expect(pickAttempt(all, 'ns', 'web', 'main', false).id).toBe('uid-1');
    expect(pickAttempt(all, 'ns', 'web', 'main', true).id).toBe('uid-0');
  });
  it('says when there is no such attempt', () => {
    expect(() => pickAttempt(all.slice(1, 2), 'ns', 'web', 'main', true)).toThrow('previous terminated container "main" in pod "web" not found');
    expect(() => pickAttempt(all, 'ns', 'web', 'side', false)).toThrow('container "side" in pod "web" is waiting to start');
  });
});

describe('LogServer', () => {
  let dir: string;
  let server: LogServer;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cairn-log-server-'));
    const logPath = join(dir, '0.log');
    const w = new CriLogWriter(logPath, { maxBytes: 1 << 20, maxFiles: 2 });
    w.write('stdout', Buffer.from('hello\nworld\n'));
    w.close();
    const c = { ...status('uid', 0, '2024-02-01T00:00:00Z', logPath) };
    server = new LogServer({
      host: '127.0.0.1', port: 0, token: 'secret', tls: await createSelfSignedServingCert('node', ['node'], ['127.0.0.1']),
      runtime: { listContainers: async () => [c], containerStatus: async () => c },
    });
    port = await server.start();
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const fetch = (path: string, token?: string): Promise<{ code: number; body: string }> => new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, rejectUnauthorized: false, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

  it('serves a container log to a caller with the token', async () => {
    expect(await fetch('/containerLogs/ns/web/main', 'secret')).toEqual({ code: 200, body: 'hello\nworld\n' });
    expect(await fetch('/containerLogs/ns/web/main?tailLines=1', 'secret')).toEqual({ code: 200, body: 'world\n' });
  });

  it('refuses a caller without it, and answers errors as Status objects', async () => {
    expect((await fetch('/containerLogs/ns/web/main')).code).toBe(401);
    expect((await fetch('/containerLogs/ns/web/main', 'wrong')).code).toBe(401);
    const missing = await fetch('/containerLogs/ns/web/main?previous=true', 'secret');
    expect(missing.code).toBe(400);
    expect(JSON.parse(missing.body)).toMatchObject({ kind: 'Status', code: 400, message: 'previous terminated container "main" in pod "web" not found' });
  });
});
