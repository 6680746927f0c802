/**
 * A process of simulated ADS clients, forked by the xDS benchmark (bench/xds/client-fleet.ts) and driven over
 * IPC (bench/xds/messages.ts). It opens `streams` ADS streams, `perChannel` per gRPC channel, each channel its
 * own HTTP/2 connection (a local subchannel pool: grpc-js would otherwise share one connection per target).
 * It reports once every stream holds full state, and for each watch when every stream has reached the target.
 * It exits when the benchmark goes away (IPC disconnect).
 */
import { Client, credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import { aggregatedDiscoveryService } from '../../control/xds-server/protos.js';
import { AdsClient, type DiscoveryRequest, type DiscoveryResponse, type Target } from './ads-client.js';
import { hrNow, type FromClients, type ToClients } from './messages.js';

interface Watch {
  id: number;
  target: Target;
  receivedAt: number[];
  ackedAt: number[];
  pending: number;
  timer: NodeJS.Timeout;
}

const send = (msg: FromClients): void => { process.send!(msg); };
const clients: AdsClient[] = [];
const dead = new Set<number>();
const watches = new Set<Watch>();
const channels: Client[] = [];
let ready = 0;
let readySent = false;

function finishWatch(w: Watch): void {
  clearTimeout(w.timer);
  watches.delete(w);
  const reached = w.ackedAt.map((_, i) => i).filter((i) => !Number.isNaN(w.ackedAt[i]!));
  send({ type: 'watched', id: w.id, receivedAt: reached.map((i) => w.receivedAt[i]!), ackedAt: reached.map((i) => w.ackedAt[i]!), missing: clients.length - reached.length });
}

function checkReady(): void {
  if (!readySent && ready + dead.size >= clients.length) {
    readySent = true;
    send({ type: 'ready', at: hrNow(), failed: dead.size, counts: clients[0]?.counts() ?? {} });
  }
}

function openStream(channel: Client, i: number, firstId: number): void {
  const method = aggregatedDiscoveryService().StreamAggregatedResources!;
  const call: ClientDuplexStream<DiscoveryRequest, DiscoveryResponse> = channel.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize);
  const ads = new AdsClient({ id: `bench-${firstId + i}`, cluster: 'bench' });
  clients[i] = ads;
  let complete = false;
  call.on('data', (res: DiscoveryResponse) => {
    const receivedAt = hrNow();
    for (const req of ads.handleResponse(res)) call.write(req);
    if (!complete && ads.complete()) {
      complete = true;
      ready++;
      checkReady();
    }
    for (const w of watches) {
      if (!Number.isNaN(w.ackedAt[i]!)) continue;
      if (Number.isNaN(w.receivedAt[i]!) && res.type_url === w.target.typeUrl && ads.holds(w.target)) w.receivedAt[i] = receivedAt;
      if (ads.reached(w.target)) {
        w.ackedAt[i] = hrNow();
        if (Number.isNaN(w.receivedAt[i]!)) w.receivedAt[i] = receivedAt;
        if (--w.pending === 0) finishWatch(w);
      }
    }
  });
  const fail = (): void => {
    if (dead.has(i)) return;
    dead.add(i);
    if (!complete) checkReady();
    for (const w of watches) if (Number.isNaN(w.ackedAt[i]!) && --w.pending === 0) finishWatch(w);
  };
  call.on('error', fail);
  call.on('end', fail);
  for (const req of ads.start()) call.write(req);
}

process.on('message', (msg: ToClients) => {
  if (msg.type === 'start') {
    for (let c = 0; c * msg.perChannel < msg.streams; c++) {
      // A local subchannel pool gives every channel its own connection; the message limit fits 10,000s of resources.
      const channel = new Client(msg.address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, 'grpc.max_receive_message_length': 256 << 20 });
      channels.push(channel);
      for (let i = c * msg.perChannel; i < Math.min(msg.streams, (c + 1) * msg.perChannel); i++) openStream(channel, i, msg.firstId);
    }
  } else if (msg.type === 'watch') {
    const n = clients.length;
    const w: Watch = {
      id: msg.id, target: msg.target, receivedAt: new Array<number>(n).fill(NaN), ackedAt: new Array<number>(n).fill(NaN),
      pending: n - dead.size, timer: setTimeout(() => finishWatch(w), msg.timeoutMs),
    };
    watches.add(w);
    send({ type: 'armed', id: msg.id });
    if (w.pending === 0) finishWatch(w);
  }
});
// Loading the protos takes seconds on a busy machine: done before `start`, so it is not counted as connect time.
aggregatedDiscoveryService();
send({ type: 'loaded' });
process.on('disconnect', () => {
  for (const c of channels) c.close();
  process.exit(0);
});
process.on('uncaughtException', (err) => {
  send({ type: 'error', message: err.stack ?? String(err) });
  process.exit(1);
});
