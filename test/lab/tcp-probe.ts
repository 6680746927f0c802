/**
 * A tiny TCP tool for network lab tests, run inside a namespace (`ip netns exec <ns> node tcp-probe.js ...`):
 *   serve <port>...           echoes each line back as `<port>:<line>`; prints `listening` once every port is bound
 *   probe <host> <port> <ms>  connects, sends one line; prints `ok` when it is echoed, `fail <reason>` otherwise
 *   hold <host> <port>        one long connection: stdin lines go to the server, echoed lines to stdout
 */
import { createConnection, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

function echo(port: number, socket: Socket): void {
  socket.on('error', () => socket.destroy());
  createInterface({ input: socket }).on('line', (line) => socket.write(`${port}:${line}\n`));
}

async function serve(ports: number[]): Promise<void> {
  await Promise.all(ports.map((port) => new Promise<void>((resolve, reject) => {
    createServer((s) => echo(port, s)).on('error', reject).listen(port, '0.0.0.0', resolve);
  })));
  process.stdout.write('listening\n');
}

function probe(host: string, port: number, timeoutMs: number): void {
  const done = (result: string): void => {
    process.stdout.write(`${result}\n`);
    process.exit(0);
  };
  const socket = createConnection({ host, port });
  setTimeout(() => done('fail timeout'), timeoutMs).unref();
  socket.on('error', (err) => done(`fail ${err.message}`));
  socket.on('connect', () => socket.write('ping\n'));
  createInterface({ input: socket }).on('line', (line) => done(line === `${port}:ping` ? 'ok' : `fail unexpected ${line}`));
}

function hold(host: string, port: number): void {
  const socket = createConnection({ host, port });
  socket.on('connect', () => process.stdout.write('connected\n'));
  socket.on('error', (err) => process.stdout.write(`error ${err.message}\n`));
  socket.on('close', () => process.exit(0));
  createInterface({ input: socket }).on('line', (line) => process.stdout.write(`${line}\n`));
  createInterface({ input: process.stdin }).on('line', (line) => socket.write(`${line}\n`));
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'serve') await serve(args.map(Number));
else if (mode === 'probe') probe(args[0]!, Number(args[1]), Number(args[2] ?? 1000));
else if (mode === 'hold') hold(args[0]!, Number(args[1]));
else {
  process.stderr.write('usage: tcp-probe serve <port>... | probe <host> <port> [ms] | hold <host> <port>\n');
  process.exit(2);
}
