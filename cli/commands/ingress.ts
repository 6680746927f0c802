import { readFile } from 'node:fs/promises';
import { serveMetrics } from '../../agent/metrics-server.js';
import type { ApiClient } from '../../control/client/client.js';
import { jsonLog } from '../../control/registry/server.js';
import { startIngressProxy } from '../../dataplane/ingress/ingress-proxy.js';

export interface IngressArgs {
  bindAddress: string;
  httpPort: number;
  httpsPort: number;
  publishAddress?: string;
  ingressClass?: string;
  defaultTlsCert?: string;
  defaultTlsKey?: string;
  netns?: string;
  metricsPort?: number;
}

/** `cairn ingress`: the ingress proxy for this node; /metrics on loopback when a port is given. */
export async function ingressCommand(client: ApiClient, args: IngressArgs): Promise<{ stop(): Promise<void> }> {
  if (Boolean(args.defaultTlsCert) !== Boolean(args.defaultTlsKey)) throw new Error('pass both --default-tls-cert and --default-tls-key, or neither');
  const defaultCertificate = args.defaultTlsCert && args.defaultTlsKey
    ? { cert: await readFile(args.defaultTlsCert, 'utf8'), key: await readFile(args.defaultTlsKey, 'utf8') }
    : undefined;
  const proxy = await startIngressProxy({
    client, host: args.bindAddress, httpPort: args.httpPort, httpsPort: args.httpsPort, publishAddress: args.publishAddress,
    ingressClassName: args.ingressClass, defaultCertificate, netns: args.netns, log: jsonLog('ingress'),
  });
  const metrics = args.metricsPort !== undefined ? await serveMetrics(proxy.metrics.registry, args.metricsPort) : undefined;
  return {
    stop: async () => {
      await metrics?.close();
      await proxy.stop();
    },
  };
}
