/** Shapes the ADD result from what the plugin made; pure, so the spec's layout is unit-tested. */
import type { LinkInfo } from './links.js';
import type { CniResult, Dns, ResultInterface } from './spec.js';

export interface AddOutcome {
  cniVersion: string;
  bridge: LinkInfo;
  hostVeth: LinkInfo;
  pod: LinkInfo;
  /** CNI_NETNS: the sandbox of the pod-side interface. */
  netns: string;
  /** `a.b.c.d/prefix` */
  addressCidr: string;
  gateway: string;
  dns?: Dns;
}

/** Index of the pod-side interface in `interfaces`, which `ips[].interface` points at. */
export const POD_INTERFACE_INDEX = 2;

function describe(link: LinkInfo, cniVersion: string, sandbox?: string): ResultInterface {
  // `mtu` on interfaces is a 1.1 addition; 1.0 consumers get exactly the 1.0 fields.
  return { name: link.ifname, mac: link.address, ...(cniVersion === '1.0.0' ? {} : { mtu: link.mtu }), ...(sandbox ? { sandbox } : {}) };
}

export function shapeAddResult(o: AddOutcome): CniResult {
  return {
    cniVersion: o.cniVersion,
    interfaces: [describe(o.bridge, o.cniVersion), describe(o.hostVeth, o.cniVersion), describe(o.pod, o.cniVersion, o.netns)],
    ips: [{ address: o.addressCidr, gateway: o.gateway, interface: POD_INTERFACE_INDEX }],
    routes: [{ dst: '0.0.0.0/0', gw: o.gateway }],
    ...(o.dns && Object.keys(o.dns).length ? { dns: o.dns } : {}),
  };
}

/** The address ADD gave `ifName` in `sandbox`, read back from a previous result (for CHECK). */
export function podAddressFrom(result: CniResult, ifName: string, sandbox: string): string | undefined {
  const index = (result.interfaces ?? []).findIndex((i) => i.name === ifName && i.sandbox === sandbox);
  return index < 0 ? undefined : result.ips?.find((ip) => ip.interface === index)?.address;
}
