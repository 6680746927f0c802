/**
 * Child half of NetnsSockets: started inside a network namespace (`ip netns exec`), it opens listening and
 * connected TCP sockets there and hands them to its parent over the IPC channel. A socket keeps the namespace it
 * was made in, so the parent serves and dials in the namespace while its own API traffic stays where it runs.
 */
import { connect, createServer } from 'node:net';
import type { SocketRequest } from './netns-sockets.js';

const CONNECT_TIMEOUT_MS = 10_000;

process.on('message', (msg: SocketRequest) => {
  if (msg.op === 'listen') {
    const server = createServer();
    server.once('error', (err) => process.send!({ id: msg.id, error: err.message }));
    server.listen({ host: msg.host, port: msg.port }, () => {
      // The parent holds its own copy of the descriptor once it arrives; this one must not accept anything.
      process.send!({ id: msg.id }, server, () => server.close());
    });
  } else {
    const socket = connect({ host: msg.host, port: msg.port });
    // An unanswered SYN fails like a refused connection rather than holding the request for minutes.
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error(`connect to ${msg.host}:${msg.port} timed out`)));
    socket.once('error', (err) => process.send!({ id: msg.id, error: err.message }));
    socket.once('connect', () => {
      socket.setTimeout(0);
      process.send!({ id: msg.id }, socket);
    });
  }
});
// The parent going away (even without a goodbye) ends this helper.
process.on('disconnect', () => process.exit(0));
