/** CHECK: the attachment still looks exactly as ADD left it (prevResult says what ADD made). */
import { formatIpv4 } from '../../api/ipv4.js';
import type { HostLocalIpam } from './ipam/host-local-ipam.js';
import type { Links } from './links.js';
import { hostVethName } from './names.js';
import type { NetConf } from './net-conf.js';
import type { AttachmentArgs } from './plugin-env.js';
import { podAddressFrom } from './result.js';
import { CniError, ErrorCode } from './spec.js';

function failed(problem: string): CniError {
  return new CniError(ErrorCode.CheckFailed, 'CHECK failed', `${problem}; DEL and ADD the attachment again`);
}

export async function checkAttachment(links: Links, ipam: HostLocalIpam, conf: NetConf, att: AttachmentArgs): Promise<void> {
  const netns = att.netns!;
  if (!conf.prevResult) {
    throw new CniError(ErrorCode.InvalidNetworkConfig, 'invalid network config field "prevResult"', 'is missing; CHECK needs the result of the previous ADD');
  }
  const expected = podAddressFrom(conf.prevResult, att.ifName, netns);
  if (!expected) throw failed(`prevResult has no address for ${att.ifName} in ${netns}`);
  if (!(await links.netnsExists(netns))) {
    throw new CniError(ErrorCode.ContainerUnknown, `network namespace ${netns} does not exist`, 'the pod sandbox is gone');
  }
  const hostVeth = hostVethName(att.containerId, att.ifName);
  const host = await links.show(hostVeth);
  if (!host) throw failed(`host veth ${hostVeth} is missing`);
  if (host.master !== conf.bridge) throw failed(`host veth ${hostVeth} is not attached to bridge ${conf.bridge}`);
  const pod = await links.show(att.ifName, netns);
  if (!pod) throw failed(`interface ${att.ifName} is missing from ${netns}`);
  if (!pod.flags.includes('UP')) throw failed(`interface ${att.ifName} is down`);
  if (pod.mtu !== conf.mtu) throw failed(`interface ${att.ifName} has MTU ${pod.mtu}, not ${conf.mtu}`);
  const addresses = (await links.addresses(att.ifName, netns)).map((a) => `${a.local}/${a.prefixlen}`);
  if (!addresses.includes(expected)) throw failed(`interface ${att.ifName} lacks address ${expected}`);
  const gateway = formatIpv4(conf.ipam.gateway);
  const routes = await links.routes(att.ifName, netns);
  if (!routes.some((r) => (r.dst === gateway || r.dst === `${gateway}/32`) && r.scope === 'link' && !r.gateway)) {
    throw failed(`route ${gateway}/32 scope link via ${att.ifName} is missing`);
  }
  if (!routes.some((r) => r.dst === 'default' && r.gateway === gateway)) throw failed(`default route via ${gateway} is missing`);
  const reserved = await ipam.lookup(att.containerId, att.ifName);
  if (reserved === undefined || `${formatIpv4(reserved)}/${conf.ipam.subnet.prefix}` !== expected) {
    throw failed(`host-local IPAM holds no reservation of ${expected} for this attachment`);
  }
}
