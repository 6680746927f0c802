/**
 * Routes to the other nodes' pods: for every Node with a podCIDR other than this one, `<podCIDR> via <its
 * address>` in this node's host namespace. Level-triggered: each sync compares the routes the kernel holds
 * (ours carry a private protocol number, so a sync never touches anyone else's) with the Nodes the informer
 * knows, and one `ip -batch` makes the difference.
 */
import type { ApiClient } from '../../control/client/client.js';
import { Informer } from '../../control/client/informer.js';
import type { Node } from '../../api/types/core.js';
import { formatIpv4, parseIpv4, parseIpv4Cidr } from '../../api/ipv4.js';
import { runIp } from './ip-command.js';
import { CoalescedSync } from './coalesced-sync.js';

/** Marks routes this module owns (iproute2 protocol numbers 0-255; 4 and below are the kernel's own). */
export const NODE_ROUTE_PROTO = '201';
/** The node's address on the pod network when it differs from its InternalIP (as flannel's public-ip annotation). */
export const NODE_NETWORK_IP_ANNOTATION = 'network.cairn.dev/node-ip';

export function nodeNetworkIP(node: Node): string | undefined {
  return node.metadata.annotations?.[NODE_NETWORK_IP_ANNOTATION]
    ?? node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/**
 * podCIDR → next hop for every other node that has both as well-formed IPv4 (anything else is skipped: these
 * values come from API objects and end up on `ip`'s command line).
 */
export function desiredNodeRoutes(nodes: Node[], self: string): Map<string, string> {
  const routes = new Map<string, string>();
  for (const node of nodes) {
    const cidr = node.spec?.podCIDR;
    const via = nodeNetworkIP(node);
    const parsed = cidr === undefined ? undefined : parseIpv4Cidr(cidr);
    if (node.metadata.name === self || !parsed || via === undefined || parseIpv4(via) === undefined) continue;
    routes.set(`${formatIpv4(parsed.first)}/${parsed.prefix}`, via);
  }
  return routes;
}

interface IpRoute { dst: string; gateway?: string }

export class NodeRoutes {
  private readonly nodes: Informer<Node>;
  private readonly sync: CoalescedSync;

  constructor(client: ApiClient, private readonly opts: { nodeName: string; netns?: string; log?: (msg: string, fields?: Record<string, unknown>) => void }) {
    this.nodes = new Informer(client.resource<Node>('nodes'));
    this.sync = new CoalescedSync(() => this.apply(), (err) => opts.log?.('node route sync failed; retrying', { error: (err as Error).message }));
    for (const event of ['add', 'update', 'delete'] as const) this.nodes.on(event, () => this.sync.trigger());
  }

  async start(): Promise<void> {
    await this.nodes.start();
    this.sync.trigger();
  }

  async stop(): Promise<void> {
    await this.nodes.stop();
    await this.sync.stop();
  }

  /** Resolves once the kernel's routes match the informer's Nodes as they are now. */
  settled(): Promise<void> {
    return this.sync.settled();
  }

  private async apply(): Promise<void> {
    const want = desiredNodeRoutes(this.nodes.list(), this.opts.nodeName);
    const have = JSON.parse(await runIp(this.opts.netns, ['-j', 'route', 'show', 'proto', NODE_ROUTE_PROTO]) || '[]') as IpRoute[];
    const commands: string[] = [];
    for (const route of have) {
      if (want.get(route.dst) !== route.gateway) commands.push(`route del ${route.dst} proto ${NODE_ROUTE_PROTO}`);
    }
    for (const [cidr, via] of want) {
      if (!have.some((r) => r.dst === cidr && r.gateway === via)) commands.push(`route replace ${cidr} via ${via} proto ${NODE_ROUTE_PROTO}`);
    }
    if (!commands.length) return;
    // -force: one unusable route (a next hop not on any link) must not keep every other node's route out.
    // A failure is reported, not retried: the same Nodes would fail the same way; the next Node change syncs again.
    await runIp(this.opts.netns, ['-force', '-batch', '-'], commands.join('\n') + '\n')
      .catch((err: unknown) => this.opts.log?.('some node routes could not be programmed', { error: (err as Error).message }));
  }
}
