/**
 * `startSidecar`: the per-pod proxy. The xDS client keeps an immutable ProxyConfig current; the outbound proxy
 * reads it once per request; cluster runtimes (LB, breakers, agents) follow each applied config; the admin server
 * shows stats and the config.
 */
import type { Server } from 'node:http';
import { clusterEndpoints, EMPTY_CONFIG, type ProxyConfig } from './config-model.js';
import { startAdmin } from './admin.js';
import { ClusterRuntimes } from './cluster-runtime.js';
import { DEFAULT_ZONE } from '../../control/xds-server/naming.js';
import { OutboundProxy } from './outbound-proxy.js';
import type { LocalNames } from './route-match.js';
import { SidecarStats } from './stats.js';
import { XdsClient } from './xds-client.js';

export interface SidecarOptions {
  /** `host:port` of the ADS server. */
  xdsServer: string;
  nodeId: string;
  /** The pod's namespace, for short Service names (`web`, `web.ns`); default: the part of nodeId before `/`. */
  namespace?: string;
  /** The cluster DNS zone (default cluster.local). */
  zone?: string;
  /** Address the proxy and admin listen on (default 127.0.0.1). */
  host?: string;
  /** 0 picks a free port. */
  outboundPort: number;
  adminPort: number;
  log?: (line: string) => void;
  backoff?: { initialMs: number; maxMs: number };
}

export interface Sidecar {
  outboundPort: number;
  adminPort: number;
  stats: SidecarStats;
  config(): ProxyConfig;
  stop(): Promise<void>;
}

/** Checks the options a user gives (CLI flags in parentheses); throws naming the option and the fix. */
export function validateSidecarOptions(opts: SidecarOptions): void {
  const port = (value: number, name: string): void => {
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number 0-65535, got ${value}`);
  };
  const server = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d+)$/.exec(opts.xdsServer);
  if (!server) throw new Error(`xdsServer (--xds-server) must be HOST:PORT, e.g. 127.0.0.1:18000; got ${JSON.stringify(opts.xdsServer)}`);
  port(Number(server[2]), 'the port of xdsServer (--xds-server)');
  if (!opts.nodeId.trim()) throw new Error('nodeId (--node-id) must not be empty: give the pod\'s identity, e.g. <namespace>/<pod>');
  if (opts.namespace === undefined && !opts.nodeId.includes('/')) {
    throw new Error(`namespace (--namespace) is required when nodeId (--node-id) is not <namespace>/<pod>; got node id ${JSON.stringify(opts.nodeId)}`);
  }
  const dns = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const namespace = localNames(opts).namespace;
  if (!dns.test(namespace)) throw new Error(`namespace (--namespace, or the node id's prefix) must be a DNS label, got ${JSON.stringify(namespace)}`);
  port(opts.outboundPort, 'outboundPort (--outbound-port)');
  port(opts.adminPort, 'adminPort (--admin-port)');
}

/** The pod's namespace (the flag, else node id `<namespace>/<pod>`) and DNS zone. */
function localNames(opts: SidecarOptions): LocalNames {
  return { namespace: opts.namespace ?? opts.nodeId.slice(0, opts.nodeId.indexOf('/')), zone: opts.zone ?? DEFAULT_ZONE };
}

export async function startSidecar(opts: SidecarOptions): Promise<Sidecar> {
  validateSidecarOptions(opts);
  const host = opts.host ?? '127.0.0.1';
  const stats = new SidecarStats();
  const runtimes = new ClusterRuntimes(stats);
  let config: ProxyConfig = EMPTY_CONFIG;
  const xds = new XdsClient({
    server: opts.xdsServer,
    nodeId: opts.nodeId,
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    onConfig: (next) => {
      config = next;
      runtimes.sync(next, (c) => clusterEndpoints(next, c));
    },
    onResponse: (type, outcome) => stats.xdsResponses.inc({ type: type.slice(type.lastIndexOf('.') + 1), outcome }),
  });
  const proxy = new OutboundProxy({ host, port: opts.outboundPort, config: () => config, runtimes, stats, local: localNames(opts) });
  let admin: { server: Server; port: number } | undefined;
  const stop = async (): Promise<void> => {
    xds.stop();
    await proxy.stop();
    if (admin) {
      admin.server.closeAllConnections();
      await new Promise<void>((resolve) => admin!.server.close(() => resolve()));
    }
    runtimes.closeAll();
  };
  try {
    const outboundPort = await proxy.start();
    admin = await startAdmin({ host, port: opts.adminPort, stats, config: () => config });
    xds.start();
    opts.log?.(`sidecar: outbound proxy on ${host}:${outboundPort}, admin on ${host}:${admin.port}, xDS from ${opts.xdsServer} as ${opts.nodeId}`);
    return { outboundPort, adminPort: admin.port, stats, config: () => config, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
