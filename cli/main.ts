import { Command, Option } from 'commander';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { ApiError } from '../api/errors.js';
import type { ApiClient } from '../control/client/client.js';
import { CAIRN_VERSION, jsonLog } from '../control/registry/server.js';
import { DEFAULT_ZONE } from '../dataplane/dns/cluster-dns.js';
import { DEFAULT_DATA_DIR, clientFor, type GlobalOptions } from './context.js';
import { agentCommand, type AgentArgs } from './commands/agent.js';
import { applyCommand } from './commands/apply.js';
import { controllersCommand, parseBool, type LeaderElectArgs } from './commands/controllers.js';
import { deleteCommand } from './commands/delete.js';
import { describeCommand } from './commands/describe.js';
import { dnsCommand, type DnsArgs } from './commands/dns.js';
import { getCommand, parseOutput } from './commands/get.js';
import { ingressCommand, type IngressArgs } from './commands/ingress.js';
import { logsCommand } from './commands/logs.js';
import { registryCommand, type RegistryArgs } from './commands/registry.js';
import { addRolloutCommand } from './commands/rollout-command.js';
import { parseReplicas, scaleCommand } from './commands/scale.js';
import { schedulerCommand } from './commands/scheduler.js';
import { DEFAULT_IMAGE_REGISTRY, up } from './commands/up.js';
import { DEFAULT_NETNS_PREFIX } from '../agent/node/node-agent.js';
import { DEFAULT_CLUSTER_CIDR } from '../control/controllers/nodeipam/node-ipam-controller.js';

interface UpOptions {
  dataDir: string; port: number; etcdPort: number; example: boolean; clusterCidr?: string; nodeCidrMaskSize?: number;
  /** commander's --no-node / --no-image-registry set these false. */
  node: boolean; nodeName: string; nodeNetns?: string; nodeIp?: string; cgroupParent: string; netnsPrefix: string;
  imageRegistry: string | false;
}

const EXAMPLE_APP = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'web.yaml');
const print = (text: string): void => { process.stdout.write(text.endsWith('\n') ? text : text + '\n'); };
const collect = (value: string, previous: string[]): string[] => [...previous, value];

function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/** Runs until SIGINT/SIGTERM, then stops cleanly. */
function untilSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('shutting down...\n');
    stop().then(() => process.exit(0), (err: Error) => { process.stderr.write(`error during shutdown: ${err.message}\n`); process.exit(1); });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

const program = new Command('cairn')
  .description('Cairn: run containerized applications across many nodes')
  .version(CAIRN_VERSION)
  .option('--kubeconfig <path>', 'kubeconfig to use (default $KUBECONFIG or ~/.cairn/kubeconfig)')
  .option('-n, --namespace <ns>', 'namespace of the request')
  .showHelpAfterError();

program.command('up')
  .description('start a local cluster on this machine: embedded etcd, API server, controllers, scheduler, this machine as its node (pods run with runc) and a local image registry; state persists in the data dir')
  .option('--data-dir <dir>', 'where cluster state, certificates, the kubeconfig, images and containers live', DEFAULT_DATA_DIR)
  .option('--port <port>', 'API server port', (v) => Number(v), 6443)
  .option('--etcd-port <port>', 'etcd client port (peer port is the next one)', (v) => Number(v), 12379)
  .option('--no-example', 'do not apply the example app on first start')
  .option('--cluster-cidr <cidr>', `range node pod CIDRs are cut from (default ${DEFAULT_CLUSTER_CIDR})`)
  .option('--node-cidr-mask-size <n>', 'prefix length of each node\'s pod CIDR (default 24)', (v) => Number(v))
  .option('--no-node', 'run the control plane only (pods stay Pending until a `cairn agent` joins)')
  .option('--node-name <name>', 'the node\'s name', hostname().toLowerCase())
  .option('--node-netns <name>', 'network namespace (/run/netns/<name>) for the pod network (default: the machine\'s own)')
  .option('--node-ip <ip>', 'the node\'s address on the pod network (default: the machine\'s first)')
  .option('--cgroup-parent <path>', 'cgroup the node\'s containers go under', '/cairn')
  .option('--netns-prefix <prefix>', 'name prefix of the pods\' network namespaces', DEFAULT_NETNS_PREFIX)
  .option('--image-registry <host:port>', 'loopback address of the local image registry', DEFAULT_IMAGE_REGISTRY)
  .option('--no-image-registry', 'run no local image registry')
  .action(async (opts: UpOptions) => {
    const cluster = await up({
      dataDir: opts.dataDir, port: opts.port, etcdPort: opts.etcdPort, example: opts.example ? EXAMPLE_APP : undefined,
      controllers: { clusterCIDR: opts.clusterCidr, nodeCIDRMaskSize: opts.nodeCidrMaskSize },
      node: opts.node ? { name: opts.nodeName, netns: opts.nodeNetns, ip: opts.nodeIp, cgroupParent: opts.cgroupParent, netnsPrefix: opts.netnsPrefix } : undefined,
      imageRegistry: opts.imageRegistry || undefined,
      agentVersion: `v${CAIRN_VERSION}`,
    }, (line) => process.stderr.write(`${line}\n`));
    print(`Cairn is running at ${cluster.server}\n  kubeconfig: ${cluster.kubeconfig}\n  try: kubectl --kubeconfig ${cluster.kubeconfig} get pods -o wide\nPress Ctrl-C to stop (state is kept).`);
    untilSignal(cluster.stop);
  });

program.command('registry')
  .description('run the API server alone, against an external etcd')
  .requiredOption('--etcd-servers <urls>', 'comma-separated etcd client URLs')
  .option('--bind-address <ip>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', (v) => Number(v), 6443)
  .option('--tls-cert-file <file>', 'serving certificate (PEM)')
  .option('--tls-key-file <file>', 'serving key (PEM)')
  .option('--token-file <file>', 'accepted bearer tokens, one per line')
  .option('--insecure-http', 'serve plain HTTP without authentication (trusted networks only)', false)
  .option('--watch-cache-size <n>', 'events kept per resource for watch resumption', (v) => Number(v), 10_000)
  .option('--service-cidr <cidr>', 'IPv4 range Service cluster IPs are allocated from', '10.96.0.0/12')
  .option('--service-node-port-range <min-max>', 'port range NodePort Services are allocated from', '30000-32767')
  .option('--default-not-ready-toleration-seconds <s>', 'how long new pods tolerate a not-ready node before eviction', (v) => Number(v), 30)
  .option('--default-unreachable-toleration-seconds <s>', 'how long new pods tolerate an unreachable node before eviction', (v) => Number(v), 30)
  .action(async (opts: RegistryArgs) => {
    const server = await registryCommand(opts);
    untilSignal(() => server.stop());
  });

program.command('controllers')
  .description('run the controllers (namespace lifecycle, endpoints, node IPAM) against the API in the kubeconfig')
  .option('--cluster-cidr <cidr>', 'range node pod CIDRs are cut from (default 10.244.0.0/16)')
  .option('--node-cidr-mask-size <n>', 'prefix length of each node\'s pod CIDR (default 24)', (v) => Number(v))
  .option('--node-monitor-grace-period <s>', 'seconds without a node heartbeat before it is Unknown (default 4)', (v) => Number(v))
  .option('--node-eviction-rate <r>', 'nodes per second tainted for eviction in a healthy zone (default 0.2)', (v) => Number(v))
  .option('--secondary-node-eviction-rate <r>', 'the same in a large, mostly unhealthy zone (default 0.01)', (v) => Number(v))
  .option('--terminated-pod-gc-threshold <n>', 'terminated pods kept before the oldest are deleted; 0 keeps all (default 12500)', (v) => Number(v))
  .option('--leader-elect [bool]', 'run only while holding the kube-system/cairn-controller-manager Lease, so replicas can stand by', parseBool, true)
  .option('--leader-elect-lease-duration <d>', 'how long a standby waits after the last renewal before taking over', '15s')
  .option('--leader-elect-renew-deadline <d>', 'the leader stops when it could not renew for this long (default 2/3 of the lease)')
  .option('--leader-elect-retry-period <d>', 'between attempts to acquire or renew (default 2/15 of the lease)')
  .action(async (opts: { clusterCidr?: string; nodeCidrMaskSize?: number; nodeMonitorGracePeriod?: number; nodeEvictionRate?: number; secondaryNodeEvictionRate?: number; terminatedPodGcThreshold?: number } & LeaderElectArgs, cmd: Command) => {
    const { client } = await clientFor(globals(cmd));
    const nodeLifecycle = {
      nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriod === undefined ? undefined : opts.nodeMonitorGracePeriod * 1000,
      evictionRate: opts.nodeEvictionRate, secondaryEvictionRate: opts.secondaryNodeEvictionRate,
    };
    const controllers = await controllersCommand(client, {
      clusterCIDR: opts.clusterCidr, nodeCIDRMaskSize: opts.nodeCidrMaskSize, nodeLifecycle, podGC: { terminatedPodGCThreshold: opts.terminatedPodGcThreshold },
    }, opts, jsonLog('controllers'));
    untilSignal(async () => { await controllers.stop(); client.close(); });
  });

program.command('scheduler')
  .description('run the scheduler: places pending pods on nodes (profiles from a KubeSchedulerConfiguration-like file)')
  .option('--config <file>', 'scheduler configuration (YAML/JSON): profiles, plugins, weights, percentageOfNodesToScore')
  .option('--metrics-port <port>', 'serve /metrics and /healthz on 127.0.0.1:<port>', (v) => Number(v))
  .action(async (opts: { config?: string; metricsPort?: number }, cmd: Command) => {
    const { client } = await clientFor(globals(cmd));
    const scheduler = await schedulerCommand(client, opts);
    untilSignal(async () => { await scheduler.stop(); client.close(); });
  });

program.command('dns')
  .description('run the cluster DNS server: service, endpoint and pod names from the API; other names forwarded')
  .option('--listen <ip>', 'address to serve DNS on (UDP and TCP)', '127.0.0.1')
  .option('--port <port>', 'DNS port', (v) => Number(v), 53)
  .option('--zone <zone>', 'cluster domain', DEFAULT_ZONE)
  .option('--upstream <ip[:port]>', 'resolver for names outside the zone (without it they get SERVFAIL)')
  .option('--metrics-port <port>', 'serve /metrics and /healthz on 127.0.0.1:<port>', (v) => Number(v))
  .option('--workers <n>', 'processes sharing the port (one core each)', (v) => Number(v), 1)
  .action(async (opts: DnsArgs, cmd: Command) => {
    const dns = await dnsCommand(opts, async () => (await clientFor(globals(cmd))).client, (line) => process.stderr.write(`${line}\n`));
    untilSignal(dns.stop);
  });

program.command('xds-server')
  .description('run the Envoy xDS v3 ADS server (gRPC): listeners, routes, clusters and endpoints from Services and Endpoints')
  .option('--listen <ip>', 'address to serve gRPC on', '127.0.0.1')
  .option('--port <port>', 'gRPC port', (v) => Number(v), 18000)
  .option('--zone <zone>', 'cluster domain in resource names', DEFAULT_ZONE)
  .option('--metrics-port <port>', 'serve /metrics, /healthz and /debug/xds/proxies on 127.0.0.1:<port>', (v) => Number(v))
  .action(async (opts: { listen: string; port: number; zone: string; metricsPort?: number }, cmd: Command) => {
    // Loaded on demand: gRPC and the Envoy protos would slow every other cairn command.
    const { startXdsServer } = await import('../control/xds-server/server.js');
    const { client } = await clientFor(globals(cmd));
    const xds = await startXdsServer({
      client, host: opts.listen, port: opts.port, zone: opts.zone, metricsPort: opts.metricsPort, log: (line) => process.stderr.write(`${line}\n`),
    });
    untilSignal(async () => { await xds.stop(); client.close(); });
  });

program.command('sidecar')
  .description('run the per-pod mesh proxy: routes, balances, retries and circuit-breaks the app\'s outbound HTTP/1.1 as the xDS server configures')
  .requiredOption('--xds-server <host:port>', 'the ADS server (cairn xds-server)')
  .requiredOption('--node-id <id>', 'this proxy\'s xDS node id, e.g. <namespace>/<pod>')
  .option('--namespace <ns>', 'the pod\'s namespace, for short Service names in Host (default: the node id\'s <namespace>/ part)')
  .option('--zone <zone>', 'the cluster DNS zone', DEFAULT_ZONE)
  .option('--listen <ip>', 'address the outbound proxy and admin endpoint listen on', '127.0.0.1')
  .option('--outbound-port <port>', 'outbound HTTP proxy port', (v) => Number(v), 15001)
  .option('--admin-port <port>', 'admin port: /metrics, /config_dump, /ready', (v) => Number(v), 15000)
  .action(async (opts: { xdsServer: string; nodeId: string; namespace?: string; zone: string; listen: string; outboundPort: number; adminPort: number }) => {
    // Loaded on demand: gRPC and the Envoy protos would slow every other cairn command.
    const { startSidecar } = await import('../dataplane/sidecar/sidecar.js');
    const sidecar = await startSidecar({ ...opts, host: opts.listen, log: (line) => process.stderr.write(`${line}\n`) });
    untilSignal(sidecar.stop);
  });

program.command('agent')
  .description('run a node agent: this machine as a node, pods run with runc; with --sim, thousands of simulated (hollow) nodes in one process')
  .option('--sim', 'simulate the container runtime (hollow nodes)', false)
  .option('--data-dir <dir>', 'real node: images, containers and logs', '/var/lib/cairn/agent')
  .option('--node-name <name>', 'real node: the Node name (default: the host name)')
  .option('--node-ip <ip>', 'real node: address the node reports and its log endpoint listens on (default: first non-loopback IPv4)')
  .option('--port <port>', 'real node: HTTPS port of the log endpoint (0: any free port)', (v) => Number(v), 10250)
  .option('--nodes <n>', 'hollow nodes to run', (v) => Number(v), 1)
  .option('--zones <n>', 'zones zone-0.. given round-robin (0: no zone label)', (v) => Number(v), 0)
  .option('--region <name>', 'topology.kubernetes.io/region of every node')
  .option('--cpu <quantity>', 'cpu capacity per node', '4')
  .option('--memory <quantity>', 'memory capacity per node', '16Gi')
  .option('--ephemeral-storage <quantity>', 'ephemeral-storage capacity per node', '100Gi')
  .option('--pods <n>', 'pod capacity per node', '110')
  .option('--taint <key=value:Effect>', 'taint to register nodes with (repeatable)', collect, [])
  .option('--taint-fraction <f>', 'share of the nodes (0..1, spread evenly) that get the taints (default 1)', (v) => Number(v))
  .option('--label <key=value>', 'extra label for every node (repeatable)', collect, [])
  .option('--start-delay-ms <ms>', 'delay before a bound pod is reported Running/Ready', (v) => Number(v), 0)
  .option('--lease-interval-ms <ms>', 'node lease renewal interval', (v) => Number(v), 1000)
  .option('--name-prefix <prefix>', 'nodes are named hollow-<prefix>-00001...', 'node')
  .option('--metrics-port <port>', 'serve /metrics and /healthz on 127.0.0.1:<port>', (v) => Number(v))
  .option('--no-pod-network', 'real node: pods get loopback only (no CNI, routes, service proxy or NetworkPolicy)')
  .option('--host-netns <name>', 'real node: network namespace (/run/netns/<name>) the node\'s pod network lives in (default: the agent\'s own)')
  .option('--pod-network-ip <ip>', 'real node: this node\'s address for other nodes\' pod routes (default: --node-ip)')
  .option('--cni-conf-dir <dir>', 'real node: CNI network configuration directory', '/etc/cni/net.d')
  .option('--cni-bin-dir <dir>', 'real node: CNI plugin directory (repeatable; default /opt/cni/bin and Cairn\'s bin/)', collect, [])
  .option('--cluster-cidr <cidr>', 'real node: the cluster\'s pod CIDR (traffic from outside it is masqueraded to Services)', '10.244.0.0/16')
  .option('--cluster-dns <ip>', 'real node: cluster DNS address for ClusterFirst pods (default: the node\'s own resolver)')
  .option('--cluster-domain <domain>', 'real node: the cluster\'s DNS domain', 'cluster.local')
  .action(async (opts: Omit<AgentArgs, 'agentVersion'>, cmd: Command) => {
    const connect = async (): Promise<ApiClient> => (await clientFor(globals(cmd))).client;
    const agent = await agentCommand({ ...opts, agentVersion: `v${CAIRN_VERSION}` }, connect, (line) => process.stderr.write(`${line}\n`));
    untilSignal(agent.stop);
    await agent.registered;
  });

program.command('ingress')
  .description('run the ingress proxy: serves the cluster\'s Ingresses over HTTP and HTTPS on this node')
  .option('--bind-address <ip>', 'address the listeners bind to', '0.0.0.0')
  .option('--http-port <port>', 'HTTP port', (v) => Number(v), 80)
  .option('--https-port <port>', 'HTTPS port', (v) => Number(v), 443)
  .option('--publish-address <address>', 'IP or DNS name written to each Ingress status (default: the bind address unless 0.0.0.0; give the same one to every node)')
  .option('--ingress-class <name>', 'serve only Ingresses of this class (and those naming none)')
  .option('--default-tls-cert <file>', 'certificate (PEM) for names no Ingress TLS secret covers (default: self-signed)')
  .option('--default-tls-key <file>', 'key (PEM) of --default-tls-cert')
  .option('--netns <name>', 'listen and reach backends in this network namespace (/run/netns/<name>); the API is reached from here')
  .option('--metrics-port <port>', 'serve /metrics and /healthz on 127.0.0.1:<port>', (v) => Number(v))
  .action(async (opts: IngressArgs, cmd: Command) => {
    const { client } = await clientFor(globals(cmd));
    const proxy = await ingressCommand(client, opts);
    untilSignal(async () => { await proxy.stop(); client.close(); });
  });

program.command('apply')
  .description('create or update objects from manifests (file, folder or - for stdin)')
  .requiredOption('-f, --filename <path>', 'manifest file, folder, or -', collect, [])
  .action(async (opts: { filename: string[] }, cmd: Command) => {
    const { client, namespace } = await clientFor(globals(cmd));
    try { await applyCommand(client, opts.filename, namespace, print); } finally { client.close(); }
  });

program.command('get')
  .description('list objects of a type, or show some by name')
  .argument('<type>', 'resource type (pods, deployments, svc, ...)')
  .argument('[names...]', 'object names')
  .option('-o, --output <format>', 'wide | yaml | json | name')
  .option('-l, --selector <selector>', 'label selector, e.g. app=web,tier!=db')
  .option('--field-selector <selector>', 'field selector, e.g. status.phase=Running')
  .option('-A, --all-namespaces', 'list across all namespaces', false)
  .option('-w, --watch', 'after listing, watch for changes', false)
  .option('--no-headers', 'omit table headers')
  .action(async (type: string, names: string[], opts: { output?: string; selector?: string; fieldSelector?: string; allNamespaces: boolean; watch: boolean; headers: boolean }, cmd: Command) => {
    const { client, namespace } = await clientFor(globals(cmd));
    try {
      await getCommand(client, type, names, {
        namespace, allNamespaces: opts.allNamespaces, output: parseOutput(opts.output), selector: opts.selector,
        fieldSelector: opts.fieldSelector, watch: opts.watch, noHeaders: !opts.headers,
      }, print);
    } finally { client.close(); }
  });

program.command('describe')
  .description('show details of objects and their events')
  .argument('<type>', 'resource type')
  .argument('[names...]', 'object names (all in the namespace when omitted)')
  .action(async (type: string, names: string[], _opts: unknown, cmd: Command) => {
    const { client, namespace } = await clientFor(globals(cmd));
    try { await describeCommand(client, type, names, namespace, print); } finally { client.close(); }
  });

program.command('scale')
  .description('set the replicas of a Deployment or ReplicaSet (TYPE NAME or TYPE/NAME) through its scale subresource')
  .argument('<targets...>', 'TYPE NAME... or TYPE/NAME...')
  .requiredOption('--replicas <n>', 'the new number of replicas', parseReplicas)
  .action(async (targets: string[], opts: { replicas: number }, cmd: Command) => {
    const { client, namespace } = await clientFor(globals(cmd));
    try { await scaleCommand(client, targets, opts.replicas, namespace, print); } finally { client.close(); }
  });

program.command('delete')
  .description('delete objects by manifest or by type and name')
  .argument('[type]', 'resource type')
  .argument('[names...]', 'object names')
  .addOption(new Option('-f, --filename <path>', 'manifest file, folder, or -').argParser(collect).default([]))
  .option('--ignore-not-found', 'treat "not found" as success', false)
  .option('--cascade <mode>', 'dependents: background (default: deleted after the owner), foreground (before it) or orphan (kept)')
  .action(async (type: string | undefined, names: string[], opts: { filename: string[]; ignoreNotFound: boolean; cascade?: string }, cmd: Command) => {
    const { client, namespace } = await clientFor(globals(cmd));
    try { await deleteCommand(client, { files: opts.filename, typeName: type, names, namespace, ignoreNotFound: opts.ignoreNotFound, cascade: opts.cascade }, print); } finally { client.close(); }
  });

program.command('logs')
  .description("print a container's logs (-f to follow); with -l, of every matching pod, each line prefixed [pod/container]")
  .argument('[pod]', 'pod name')
  .option('-c, --container <name>', 'container (required when the pod has several)')
  .option('-l, --selector <selector>', 'label selector: logs of all matching pods')
  .option('-f, --follow', 'stream new lines until the container exits', false)
  .option('--tail <n>', 'only the last n lines (default all; 10 with -l)', (v) => Number(v))
  .option('--since <duration>', 'only lines newer than a duration like 10s, 5m, 1h')
  .option('--timestamps', 'prefix each line with its time', false)
  .option('-p, --previous', "the previous attempt's log (after a restart)", false)
  .action(async (pod: string | undefined, opts: { container?: string; selector?: string; follow: boolean; tail?: number; since?: string; timestamps: boolean; previous: boolean }, cmd: Command) => {
    const { client, namespace } = await clientFor(globals(cmd));
    const write = (text: string): void => { process.stdout.write(text); };
    try { await logsCommand(client, pod, { ...opts, namespace }, write, (text) => process.stderr.write(text)); } finally { client.close(); }
  });

addRolloutCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof ApiError ? `Error from server (${err.reason}): ${err.message}` : `error: ${(err as Error).message ?? String(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
