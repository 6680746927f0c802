import { readFile } from 'node:fs/promises';
import { RegistryServer } from '../../control/registry/server.js';

export interface RegistryArgs {
  etcdServers: string;
  bindAddress: string;
  port: number;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tokenFile?: string;
  insecureHttp: boolean;
  watchCacheSize: number;
  serviceCidr: string;
  serviceNodePortRange: string;
  defaultNotReadyTolerationSeconds: number;
  defaultUnreachableTolerationSeconds: number;
}

/** `cairn registry`: the API server on its own, for a cluster on an external etcd. */
export async function registryCommand(args: RegistryArgs): Promise<RegistryServer> {
  if (!args.insecureHttp && (!args.tlsCertFile || !args.tlsKeyFile)) {
    throw new Error('the registry serves HTTPS: pass --tls-cert-file and --tls-key-file (or --insecure-http to serve plain HTTP on a trusted network)');
  }
  const tls = args.insecureHttp ? undefined : { cert: await readFile(args.tlsCertFile!, 'utf8'), key: await readFile(args.tlsKeyFile!, 'utf8') };
  const tokens = args.tokenFile ? (await readFile(args.tokenFile, 'utf8')).split('\n').map((t) => t.trim()).filter(Boolean) : undefined;
  if (!tokens && !args.insecureHttp) throw new Error('pass --token-file with the bearer tokens to accept (one per line)');
  const server = new RegistryServer({
    etcdEndpoints: args.etcdServers.split(',').map((s) => s.trim()),
    host: args.bindAddress,
    port: args.port,
    tls,
    tokens,
    watchCacheSize: args.watchCacheSize,
    serviceCIDR: args.serviceCidr,
    serviceNodePortRange: args.serviceNodePortRange,
    defaultNotReadyTolerationSeconds: args.defaultNotReadyTolerationSeconds,
    defaultUnreachableTolerationSeconds: args.defaultUnreachableTolerationSeconds,
  });
  await server.start();
  return server;
}
