/**
 * The `cairn-cni` plugin: a veth from the pod namespace to the node bridge, an address from host-local IPAM.
 * ADD undoes its own steps on failure; DEL and GC succeed on whatever is already gone.
 */
import { formatIpv4 } from '../../api/ipv4.js';
import { checkAttachment } from './check-attachment.js';
import { HostLocalIpam } from './ipam/host-local-ipam.js';
import type { Links } from './links.js';
import { bridgeMac, hostVethName } from './names.js';
import type { NetConf } from './net-conf.js';
import { shapeAddResult } from './result.js';
import type { PluginCommands } from './skel.js';
import { CniError, ErrorCode, VALID_ATTACHMENTS_KEY } from './spec.js';

async function requireNetns(links: Links, netns: string): Promise<void> {
  if (!(await links.netnsExists(netns))) {
    throw new CniError(ErrorCode.ContainerUnknown, `network namespace ${netns} does not exist`, 'CNI_NETNS must name the pod sandbox\'s namespace');
  }
}

/** The plugin's commands over the given kernel operations; `ipamFor` picks the IPAM store per network config. */
export function bridgePlugin(links: Links, ipamFor = (conf: NetConf) => new HostLocalIpam(conf.ipam)): PluginCommands {
  return {
    async add(conf, att) {
      const netns = att.netns!;
      await requireNetns(links, netns);
      const ipam = ipamFor(conf);
      const prefix = conf.ipam.subnet.prefix;
      const gateway = formatIpv4(conf.ipam.gateway);
      const hostVeth = hostVethName(att.containerId, att.ifName);
      const undo: (() => Promise<unknown>)[] = [];
      try {
        const allocation = await ipam.allocate(att.containerId, att.ifName);
        if (!allocation.existing) undo.push(() => ipam.release(att.containerId, att.ifName));
        const addressCidr = `${formatIpv4(allocation.address)}/${prefix}`;
        const bridge = await links.ensureBridge(conf.bridge, bridgeMac(conf.ipam.gateway), `${gateway}/${prefix}`, conf.mtu);
        await links.writeSysctl(['net/ipv4/ip_forward'], '1');
        // A repeated ADD for the attachment rebuilds its veth from scratch (keeping its address).
        await links.deleteLink(hostVeth);
        undo.push(() => links.deleteLink(hostVeth));
        await links.createVeth(hostVeth, att.ifName, netns, conf.mtu, conf.bridge);
        await links.configurePod(netns, att.ifName, addressCidr, gateway);
        const [hostLink, podLink] = await Promise.all([links.show(hostVeth), links.show(att.ifName, netns)]);
        if (!hostLink || !podLink) throw new CniError(ErrorCode.LinkFailure, `veth ${hostVeth} vanished during ADD`);
        return shapeAddResult({ cniVersion: conf.cniVersion, bridge, hostVeth: hostLink, pod: podLink, netns, addressCidr, gateway, dns: conf.dns });
      } catch (err) {
        for (const step of undo.reverse()) await step().catch(() => undefined);
        throw err;
      }
    },

    async del(conf, att) {
      // Deleting the host end removes the pod end with it, whether or not the namespace still exists. Both
      // steps are tried, so a link failure never strands the address.
      const outcomes = await Promise.allSettled([
        links.deleteLink(hostVethName(att.containerId, att.ifName)),
        ipamFor(conf).release(att.containerId, att.ifName),
      ]);
      const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failure) throw failure.reason;
    },

    check: (conf, att) => checkAttachment(links, ipamFor(conf), conf, att),

    async gc(conf) {
      if (!conf.validAttachments) {
        throw new CniError(ErrorCode.InvalidNetworkConfig, `invalid network config field "${VALID_ATTACHMENTS_KEY}"`,
          'is missing; GC needs the list of attachments still in use');
      }
      for (const stale of await ipamFor(conf).releaseAllExcept(conf.validAttachments)) {
        await links.deleteLink(hostVethName(stale.containerId, stale.ifName));
      }
    },
  };
}
