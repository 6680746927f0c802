/**
 * The kernel operations the plugin performs, through `ip` (JSON output) and `nsenter --net=<path>` for the
 * pod's namespace. Host-side operations run in the plugin's own namespace (the node's). `ensureX` steps treat
 * "already there" as success; deletes treat "already gone" as success.
 */
import { type CommandRunner, CommandError } from './command.js';
import { CniError, ErrorCode } from './spec.js';

export interface LinkInfo {
  ifname: string;
  ifindex: number;
  mtu: number;
  /** MAC address. */
  address: string;
  flags: string[];
  /** The bridge this link is enslaved to. */
  master?: string;
  /** `bridge`, `veth`, ... */
  kind?: string;
}

export interface AddressInfo {
  local: string;
  prefixlen: number;
}

export interface RouteInfo {
  /** `default`, or an address / CIDR as `ip` prints it (a /32 without its suffix). */
  dst: string;
  gateway?: string;
  scope?: string;
}

/** `netnsPath` undefined means the plugin's own (host) namespace. */
export type Netns = string | undefined;

const NOT_FOUND = /Cannot find device|does not exist/;
const EXISTS = /File exists/;

function linkFailure(action: string, err: unknown): CniError {
  if (err instanceof CniError) return err;
  return new CniError(ErrorCode.LinkFailure, `failed to ${action}`, err instanceof CommandError ? err.stderr : (err as Error).message);
}

export class Links {
  constructor(private readonly runner: CommandRunner) {}

  private ip(netns: Netns, args: string[]): Promise<string> {
    return netns ? this.runner.run('nsenter', [`--net=${netns}`, 'ip', ...args]) : this.runner.run('ip', args);
  }

  /** Runs `ip` in the host namespace, mapping a failure to a code-100 error that says what was being done. */
  private async step(action: string, args: string[], tolerate?: RegExp): Promise<void> {
    try {
      await this.ip(undefined, args);
    } catch (err) {
      if (tolerate && err instanceof CommandError && tolerate.test(err.stderr)) return;
      throw linkFailure(action, err);
    }
  }

  /** Whether `path` names a network namespace this process can enter. */
  async netnsExists(path: string): Promise<boolean> {
    return this.runner.run('nsenter', [`--net=${path}`, 'true']).then(() => true, () => false);
  }

  async show(name: string, netns?: Netns): Promise<LinkInfo | undefined> {
    let out: string;
    try {
      out = await this.ip(netns, ['-j', '-d', 'link', 'show', 'dev', name]);
    } catch (err) {
      if (err instanceof CommandError && NOT_FOUND.test(err.stderr)) return undefined;
      throw linkFailure(`look up ${name}`, err);
    }
    const [raw] = JSON.parse(out) as (LinkInfo & { linkinfo?: { info_kind?: string } })[];
    return raw && { ifname: raw.ifname, ifindex: raw.ifindex, mtu: raw.mtu, address: raw.address, flags: raw.flags,
      master: raw.master, kind: raw.linkinfo?.info_kind };
  }

  /**
   * The bridge, up, with the gateway address and MTU; shared by all pods, so concurrent callers race benignly.
   * A new bridge gets the fixed `mac`: otherwise the kernel gives it the lowest port MAC, which changes as pods
   * come and go and leaves stale gateway entries in pods' ARP caches.
   */
  async ensureBridge(name: string, mac: string, gatewayCidr: string, mtu: number): Promise<LinkInfo> {
    await this.step(`create bridge ${name}`, ['link', 'add', name, 'address', mac, 'type', 'bridge'], EXISTS);
    const existing = await this.show(name);
    if (existing?.kind !== 'bridge') {
      throw new CniError(ErrorCode.LinkFailure, `${name} exists and is not a bridge`, `rename the "bridge" in the network config or remove ${name}`);
    }
    await this.step(`set ${name} up`, ['link', 'set', 'dev', name, 'mtu', String(mtu), 'up']);
    await this.step(`address ${name}`, ['addr', 'replace', gatewayCidr, 'dev', name]);
    return (await this.show(name)) ?? existing;
  }

  /** Creates the pair with the peer born inside the pod namespace under its final name (no clash with host names). */
  async createVeth(hostName: string, peerName: string, podNetns: string, mtu: number, bridge: string): Promise<void> {
    const m = String(mtu);
    await this.step(`create veth ${hostName}`,
      ['link', 'add', hostName, 'mtu', m, 'type', 'veth', 'peer', 'name', peerName, 'mtu', m, 'netns', podNetns]);
    await this.step(`attach ${hostName} to ${bridge}`, ['link', 'set', 'dev', hostName, 'master', bridge, 'up']);
    // Hairpin: with br_netfilter, a pod's packet DNATed to a Service endpoint that is the pod itself is bridged
    // back out of the port it came in on, which a bridge port refuses unless hairpin mode is on.
    await this.step(`hairpin on ${hostName}`, ['link', 'set', 'dev', hostName, 'type', 'bridge_slave', 'hairpin', 'on']);
  }

  /**
   * Pod side per the Cairn design: address without its prefix route, the gateway reachable on-link, default
   * via the gateway, so all pod traffic (even to a bridge neighbour) is routed through the node's IP layer.
   */
  async configurePod(podNetns: string, ifName: string, addressCidr: string, gateway: string): Promise<void> {
    // A forwarding-off host honours redirects if "all" or the interface allows them: clear both (and "default").
    await this.writeSysctl(['all', 'default', ifName].map((key) => `net/ipv4/conf/${key}/accept_redirects`), '0', podNetns);
    const batch = [
      `addr add ${addressCidr} dev ${ifName} noprefixroute`,
      `link set dev ${ifName} up`,
      `route add ${gateway}/32 dev ${ifName} scope link`,
      `route add default via ${gateway} dev ${ifName}`,
    ];
    await this.runner.run('nsenter', [`--net=${podNetns}`, 'ip', '-batch', '-'], `${batch.join('\n')}\n`)
      .catch((err) => { throw linkFailure(`configure ${ifName} in ${podNetns}`, err); });
  }

  async addresses(ifName: string, netns: Netns): Promise<AddressInfo[]> {
    const out = await this.ip(netns, ['-j', '-4', 'addr', 'show', 'dev', ifName]).catch((err) => { throw linkFailure(`list addresses of ${ifName}`, err); });
    return (JSON.parse(out) as { addr_info?: AddressInfo[] }[]).flatMap((l) => l.addr_info ?? []);
  }

  async routes(ifName: string, netns: Netns): Promise<RouteInfo[]> {
    const out = await this.ip(netns, ['-j', '-4', 'route', 'show', 'dev', ifName]).catch((err) => { throw linkFailure(`list routes of ${ifName}`, err); });
    return JSON.parse(out) as RouteInfo[];
  }

  /** Deletes a host-side link; a missing one succeeds. Deleting one end of a veth removes its peer too. */
  async deleteLink(name: string): Promise<void> {
    await this.step(`delete ${name}`, ['link', 'del', 'dev', name], NOT_FOUND);
  }

  /** Writes `value` to each `/proc/sys/<key>` as seen from `netns` (sysctls under net/ are per namespace). */
  async writeSysctl(keys: string[], value: string, netns?: Netns): Promise<void> {
    const paths = keys.map((key) => `/proc/sys/${key}`);
    const [file, args] = netns ? ['nsenter', [`--net=${netns}`, 'tee', ...paths]] : ['tee', paths];
    await this.runner.run(file, args, value).catch((err) => { throw linkFailure(`write ${paths.join(' ')}`, err); });
  }
}
