import { Command, Option } from 'commander';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ApiError } from '../api/errors.js';
import type { ApiClient } from '../control/client/client.js';
import { CAIRN_VERSION, jsonLog } from '../control/registry/server.js';
import { startControllers } from '../control/controllers/manager.js';
import { DEFAULT_DATA_DIR, clientFor, type GlobalOptions } from './context.js';
import { agentCommand, type AgentArgs } from './commands/agent.js';
import { applyCommand } from './commands/apply.js';
import { deleteCommand } from './commands/delete.js';
import { describeCommand } from './commands/describe.js';
import { getCommand, parseOutput } from './commands/get.js';
import { logsCommand } from './commands/logs.js';
import { registryCommand, type RegistryArgs } from './commands/registry.js';
import { schedulerCommand } from './commands/scheduler.js';
import { up } from './commands/up.js';

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
  .description('start a local single-machine cluster (embedded etcd, API server, controllers, scheduler); state persists in the data dir')
  .option('--data-dir <dir>', 'where cluster state, certificates and the kubeconfig live', DEFAULT_DATA_DIR)
  .option('--port <port>', 'API server port', (v) => Number(v), 6443)
  .option('--etcd-port <port>', 'etcd client port (peer port is the next one)', (v) => Number(v), 12379)
  .option('--no-example', 'do not apply the example app on first start')
  .option('--cluster-cidr <cidr>', 'range node pod CIDRs are cut from (default 10.244.0.0/16)')
  .option('--node-cidr-mask-size <n>', 'prefix length of each node\'s pod CIDR (default 24)', (v) => Number(v))
  .action(async (opts: { dataDir: string; port: number; etcdPort: number; example: boolean; clusterCidr?: string; nodeCidrMaskSize?: number }) => {
    const cluster = await up({ dataDir: opts.dataDir, port: opts.port, etcdPort: opts.etcdPort, example: opts.example ? EXAMPLE_APP : undefined,
      controllers: { clusterCIDR: opts.clusterCidr, nodeCIDRMaskSize: opts.nodeCidrMaskSize } },
      (line) => process.stderr.write(`${line}\n`));
    print(`Cairn is running at ${cluster.server}\n  kubeconfig: ${cluster.kubeconfig}\n  try: kubectl --kubeconfig ${cluster.kubeconfig} get namespaces\nPress Ctrl-C to stop (state is kept).`);
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
  .action(async (opts: RegistryArgs) => {
    const server = await registryCommand(opts);
    untilSignal(() => server.stop());
  });

program.command('controllers')
  .description('run the controllers (namespace lifecycle, endpoints, node IPAM) against the API in the kubeconfig')
  .option('--cluster-cidr <cidr>', 'range node pod CIDRs are cut from (default 10.244.0.0/16)')
  .option('--node-cidr-mask-size <n>', 'prefix length of each node\'s pod CIDR (default 24)', (v) => Number(v))
  .action(async (opts: { clusterCidr?: string; nodeCidrMaskSize?: number }, cmd: Command) => {
    const { client } = await clientFor(globals(cmd));
    const controllers = await startControllers(client, jsonLog('controllers'), { clusterCIDR: opts.clusterCidr, nodeCIDRMaskSize: opts.nodeCidrMaskSize });
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
  .option('--lease-interval-ms <ms>', 'node lease renewal interval', (v) => Number(v), 10_000)
  .option('--name-prefix <prefix>', 'nodes are named hollow-<prefix>-00001...', 'node')
  .option('--metrics-port <port>', 'serve /metrics and /healthz on 127.0.0.1:<port>', (v) => Number(v))
  .action(async (opts: Omit<AgentArgs, 'agentVersion'>, cmd: Command) => {
    const connect = async (): Promise<ApiClient> => (await clientFor(globals(cmd))).client;
    const agent = await agentCommand({ ...opts, agentVersion: `v${CAIRN_VERSION}` }, connect, (line) => process.stderr.write(`${line}\n`));
    untilSignal(agent.stop);
    await agent.registered;
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

program.command('delete')
  .description('delete objects by manifest or by type and name')
  .argument('[type]', 'resource type')
  .argument('[names...]', 'object names')
  .addOption(new Option('-f, --filename <path>', 'manifest file, folder, or -').argParser(collect).default([]))
  .option('--ignore-not-found', 'treat "not found" as success', false)
  .action(async (type: string | undefined, names: string[], opts: { filename: string[]; ignoreNotFound: boolean }, cmd: Command) => {
    const { client, namespace } = await clientFor(globals(cmd));
    try { await deleteCommand(client, { files: opts.filename, typeName: type, names, namespace, ignoreNotFound: opts.ignoreNotFound }, print); } finally { client.close(); }
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

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof ApiError ? `Error from server (${err.reason}): ${err.message}` : `error: ${(err as Error).message ?? String(err)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
