/**
 * Makes a server on the root namespace's loopback (the registry) reachable at the same `127.0.0.1:<port>`
 * inside lab namespaces, so a process started there uses the cluster's kubeconfig unchanged (its certificate
 * names 127.0.0.1). The path: lab TCP → relay process (tcp-to-unix-main.ts) → unix socket → here → TCP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_PREFIX } from '../harness/cluster.js';

const RELAY = fileURLToPath(new URL('./tcp-to-unix-main.js', import.meta.url));

export interface ApiBridge {
  stop(): Promise<void>;
}

export async function bridgeIntoNetns(port: number, namespaces: string[]): Promise<ApiBridge> {
  const dir = await mkdtemp(join(tmpdir(), `${TEST_PREFIX}bridge-`));
  const socketPath = join(dir, 'api.sock');
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const close = (): void => { client.destroy(); upstream.destroy(); };
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const relays: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const relay of relays) relay.kill('SIGKILL');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const netns of namespaces) {
      const relay = spawn('ip', ['netns', 'exec', netns, process.execPath, RELAY, '127.0.0.1', String(port), socketPath], { stdio: ['pipe', 'pipe', 'inherit'] });
      relays.push(relay);
      await new Promise<void>((resolve, reject) => {
        relay.stdout!.once('data', () => resolve());
        relay.once('exit', (code) => reject(new Error(`api relay in ${netns} exited with ${code}`)));
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}
