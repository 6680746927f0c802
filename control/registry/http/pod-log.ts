/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`: finds the pod's node and streams the answer of that node's
 * agent (`/containerLogs/{ns}/{pod}/{container}`, agent/logs/log-server.ts), as kube-apiserver proxies to the
 * kubelet. The agent's own errors (a Status body) pass through with their code.
 *
 * Known gap: the agent's serving certificate is self-signed and not verified (kube-apiserver without
 * --kubelet-certificate-authority); the bearer token it presents is the registry's first accepted token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:https';
import { ApiError, Reason, badRequest } from '../../../api/errors.js';
import type { Node, Pod } from '../../../api/types/core.js';
import { LOG_QUERY_PARAMS, parseLogQuery } from '../../../agent/logs/log-query.js';
import { parseEntry } from '../cache/entry.js';
import type { ResourceStore } from '../rest/resource-store.js';
import type { ResourceRequest } from './request-info.js';

export interface PodLogDeps {
  pods: ResourceStore;
  nodes: ResourceStore;
  /** Presented to agents as a bearer token. */
  agentToken?: string;
}

/** The container a log request is about: the named one, or the pod's only one. */
export function logContainer(pod: Pod, requested: string | undefined): string {
  const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
  const podName = pod.metadata.name!;
  if (requested) {
    if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${podName}`);
    return requested;
  }
  if (pod.spec.containers.length === 1) return pod.spec.containers[0]!.name;
  throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`);
}

/** Where the node's agent listens: its InternalIP (else Hostname) and the port it reported. */
export function agentEndpoint(node: Node): { host: string; port: number } {
  const addresses = node.status?.addresses ?? [];
  const host = (addresses.find((a) => a.type === 'InternalIP') ?? addresses.find((a) => a.type === 'Hostname'))?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !port) throw new ApiError(503, Reason.ServiceUnavailable, `node ${node.metadata.name} has not reported where its agent listens`);
  return { host, port };
}

/** Streams the log; returns the HTTP status the agent answered with once its response has begun. */
export async function proxyPodLog(deps: PodLogDeps, r: ResourceRequest, res: ServerResponse): Promise<number> {
  if (r.verb !== 'get') throw new ApiError(405, Reason.MethodNotAllowed, `the log subresource does not support ${r.verb}`);
  const pod = parseEntry(await deps.pods.get(r.namespace, r.name!)) as Pod;
  const container = logContainer(pod, r.query.get('container') ?? undefined);
  parseLogQuery(r.query, Date.now()); // a malformed option is the client's 400 here, before reaching any node
  if (!pod.spec.nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const { host, port } = agentEndpoint(parseEntry(await deps.nodes.get(undefined, pod.spec.nodeName)) as Node);
  const query = new URLSearchParams();
  for (const name of LOG_QUERY_PARAMS) {
    const value = r.query.get(name);
    if (value !== null) query.set(name, value);
  }
  const path = `/containerLogs/${[pod.metadata.namespace!, pod.metadata.name!, container].map(encodeURIComponent).join('/')}?${query}`;
  const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
    const out = request({
      host, port, path, method: 'GET',
      rejectUnauthorized: false, // known gap, see above
      headers: deps.agentToken ? { Authorization: `Bearer ${deps.agentToken}` } : {},
    }, resolve);
    out.once('error', (err) => reject(new ApiError(503, Reason.ServiceUnavailable, `cannot reach the agent of node ${pod.spec.nodeName} at ${host}:${port}: ${err.message}`)));
    res.once('close', () => out.destroy());
    out.end();
  });
  const code = upstream.statusCode ?? 502;
  res.writeHead(code, {
    'Content-Type': upstream.headers['content-type'] ?? 'text/plain',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  // The client leaving closes the agent's stream; the agent ending ends ours.
  res.once('close', () => upstream.destroy());
  upstream.pipe(res);
  upstream.once('error', () => res.destroy());
  return code;
}
