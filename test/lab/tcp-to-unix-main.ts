/**
 * Runs inside a lab namespace: accepts TCP on `<host>:<port>` and relays each connection to a unix socket.
 * Unix socket paths are not bound to a network namespace, so this is how lab processes reach a server that
 * listens on the root namespace's loopback without the lab touching the root namespace's network.
 * Usage: node tcp-to-unix-main.js <host> <port> <socket path>
 */
import { connect, createServer } from 'node:net';

const [host, port, socketPath] = process.argv.slice(2);
if (!host || !port || !socketPath) {
  console.error('usage: tcp-to-unix-main.js <host> <port> <socket path>');
  process.exit(2);
}
const server = createServer((client) => {
  const upstream = connect(socketPath);
  client.pipe(upstream).pipe(client);
  const close = (): void => { client.destroy(); upstream.destroy(); };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(Number(port), host, () => process.stdout.write('ready\n'));
// The lab owner ends this process; if it dies without doing so, stdin closing ends it too.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
