/**
 * The node's share of the pod network, as the kubelet + containerd + kube-proxy + a policy agent do it
 * together: once the Node has a podCIDR (from the node IPAM controller) the CNI config is written, routes to
 * other nodes' pods kept, Services programmed into nftables and NetworkPolicy enforced, all in the node's
 * host namespace (a lab host in tests). Sandboxes are attached through CNI exactly as containerd calls it,
 * so another CNI plugin in the conf dir would serve as well.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../../control/client/client.js';
import type { Node } from '../../api/types/core.js';
import { CniInvoker } from '../../dataplane/cni/invoker.js';
import { writeNodeCniConfig } from '../../dataplane/cni/conflist.js';
import { startNetworkPolicyAgent, type NetworkPolicyAgent } from '../../dataplane/policy/agent.js';
import { startServiceProxy, type ServiceProxy } from '../../dataplane/proxy/service-proxy.js';
import type { PodNetwork } from '../runtime/runtime.js';
import { POD_INTERFACE } from '../runtime/runc/pod-sandbox.js';
import { NODE_NETWORK_IP_ANNOTATION, NodeRoutes } from './node-routes.js';
import { waitForPodCIDR } from './pod-cidr.js';

export interface NodeNetworkOptions {
  /** The node's host namespace (name under /run/netns); undefined = the agent's own. */
  hostNetns?: string;
  /** The node's address on the pod network when it is not its InternalIP (published as an annotation). */
  nodeIP?: string;
  /** CNI config and plugin directories (containerd's /etc/cni/net.d and /opt/cni/bin). */
  cniConfDir: string;
  cniBinDirs: string[];
  /** CNI result cache and host-local IPAM state (default /var/lib/cni/...). */
  cniStateDir?: string;
  /** The cluster's pod CIDR (traffic from outside it is masqueraded on its way to a Service). */
  clusterCIDR: string;
  mtu?: number;
  /** How long a sandbox waits for the node's podCIDR before failing (default 60 s). */
  podCIDRTimeoutMs?: number;
}

const DEFAULT_POD_CIDR_TIMEOUT_MS = 60_000;
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;
/** Cairn's own executables, `cairn-cni` among them: a CNI plugin directory as shipped. */
export const CAIRN_BIN_DIR = fileURLToPath(new URL('../../../bin', import.meta.url));

export class NodeNetwork implements PodNetwork {
  private readonly invoker: CniInvoker;
  private readonly abort = new AbortController();
  private ready: Promise<void> | undefined;
  private routes?: NodeRoutes;
  private proxy?: ServiceProxy;
  private policy?: NetworkPolicyAgent;
  /** The ids of the sandboxes that exist, for releasing the attachments of those that do not. */
  liveSandboxes?: () => Promise<string[]>;

  constructor(private readonly client: ApiClient, private readonly nodeName: string, private readonly opts: NodeNetworkOptions,
    private readonly log?: (msg: string, fields?: Record<string, unknown>) => void) {
    this.invoker = new CniInvoker({
      confDir: opts.cniConfDir, binDirs: opts.cniBinDirs, hostNetns: opts.hostNetns,
      ...(opts.cniStateDir ? { cacheDir: `${opts.cniStateDir}/results` } : {}),
    });
  }

  /**
   * Starts configuring the node in the background (it needs the registered Node's podCIDR); sandboxes wait for
   * it. Resolves at once: the agent must not block registration on a controller that may come later.
   */
  start(): void {
    this.ready = this.configure();
    this.ready.catch((err: unknown) => {
      if (!this.abort.signal.aborted) this.log?.('pod network setup failed', { error: (err as Error).message });
    });
  }

  /** Resolves once the node's pod network is configured. */
  whenReady(): Promise<void> {
    if (!this.ready) throw new Error('pod network not started');
    return this.ready;
  }

  async setUp(podId: string, netnsPath: string): Promise<string> {
    const timeoutMs = this.opts.podCIDRTimeoutMs ?? DEFAULT_POD_CIDR_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.whenReady(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`network is not ready: node ${this.nodeName} has no podCIDR after ${timeoutMs} ms (is the node IPAM controller running?)`)), timeoutMs); }),
    ]).finally(() => clearTimeout(timer));
    return (await this.invoker.add({ containerId: podId, netnsPath, ifName: POD_INTERFACE })).ip;
  }

  async check(podId: string, netnsPath: string): Promise<void> {
    await this.invoker.check({ containerId: podId, netnsPath, ifName: POD_INTERFACE });
  }

  async tearDown(podId: string, netnsPath: string): Promise<void> {
    await this.invoker.del({ containerId: podId, netnsPath, ifName: POD_INTERFACE });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.ready?.catch(() => undefined);
    await Promise.all([this.routes?.stop(), this.proxy?.stop(), this.policy?.stop()]);
  }

  /** Retries until configured (or stopped): a failed step (an nft error, an API outage) must not disable pod networking for good. */
  private async configure(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.configureOnce();
        return;
      } catch (err) {
        await Promise.all([this.routes?.stop(), this.proxy?.stop(), this.policy?.stop()]);
        this.routes = this.proxy = this.policy = undefined;
        if (this.abort.signal.aborted) throw err;
        this.log?.('pod network setup failed; retrying', { error: (err as Error).message });
        await sleep(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt), undefined, { signal: this.abort.signal });
      }
    }
  }

  private async configureOnce(): Promise<void> {
    const { opts, client, nodeName } = this;
    if (opts.nodeIP) await this.publishNodeIP(opts.nodeIP);
    const podCIDR = await waitForPodCIDR(client, nodeName, this.abort.signal);
    await writeNodeCniConfig(opts.cniConfDir, podCIDR, { mtu: opts.mtu, ...(opts.cniStateDir ? { dataDir: `${opts.cniStateDir}/networks` } : {}) });
    this.routes = new NodeRoutes(client, { nodeName, netns: opts.hostNetns, log: this.log });
    await this.routes.start();
    this.proxy = await startServiceProxy({ client, nodeName, netns: opts.hostNetns, clusterCIDR: opts.clusterCIDR, log: (msg) => this.log?.(msg) });
    this.policy = await startNetworkPolicyAgent({ client, nodeName, netns: opts.hostNetns, log: this.log });
    // Attachments of sandboxes that no longer exist (pods deleted while the node was down or rebooting) give
    // their addresses back. Safe here: no ADD runs before this resolves, since setUp waits for it.
    if (this.liveSandboxes) {
      const live = await this.liveSandboxes();
      await this.invoker.gc(live.map((containerId) => ({ containerId, ifName: POD_INTERFACE })))
        .catch((err: unknown) => this.log?.('releasing stale pod network attachments failed', { error: (err as Error).message }));
    }
    this.log?.('pod network configured', { podCIDR });
  }

  private async publishNodeIP(ip: string): Promise<void> {
    await this.client.resource<Node>('nodes').patch(this.nodeName, { metadata: { annotations: { [NODE_NETWORK_IP_ANNOTATION]: ip } } });
  }
}
