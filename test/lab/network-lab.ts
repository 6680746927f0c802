/**
 * The multi-host network lab (ARCHITECTURE.md, Networking): one namespace per simulated host, each joined by a
 * veth to a bridge that lives in the lab's own namespace, plus an optional "outside" namespace on the same
 * segment for clients that are not in the pod network (NodePort, Ingress). Nothing here touches the root
 * namespace; removing the lab's namespaces removes every interface, route and nftables table in them.
 */
import { createNetns, deleteNetns, inNetns, reapStaleNetns, testNetnsName } from './netns.js';

export interface LabHost {
  /** Namespace name under /run/netns. */
  netns: string;
  /** The host's address on the lab segment. */
  ip: string;
}

export interface NetworkLab {
  hosts: LabHost[];
  /** A namespace on the lab segment outside the pod network. */
  outside: LabHost;
  /** Runs a command in one of the lab's namespaces. */
  exec(netns: string, command: string, args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const LAB_SUBNET = '172.30.0';
const LAB_BRIDGE = 'labbr';

/** Creates `hostCount` hosts named `<label>-h<i>` at 172.30.0.(10+i), and `<label>-out` at 172.30.0.250. */
export async function startNetworkLab(label: string, hostCount: number): Promise<NetworkLab> {
  await reapStaleNetns();
  const lab = testNetnsName(`${label}-lab`);
  const created: string[] = [];
  const make = async (name: string): Promise<void> => { await createNetns(name); created.push(name); };
  const stop = async (): Promise<void> => { for (const name of created.reverse()) await deleteNetns(name); };
  try {
    await make(lab);
    await inNetns(lab, 'ip', ['link', 'add', LAB_BRIDGE, 'type', 'bridge']);
    await inNetns(lab, 'ip', ['link', 'set', LAB_BRIDGE, 'up']);
    const join = async (name: string, octet: number, port: string): Promise<LabHost> => {
      await make(name);
      // Created inside the lab namespace, one end then moved: the root namespace never sees either end.
      await inNetns(lab, 'ip', ['link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name]);
      await inNetns(lab, 'ip', ['link', 'set', port, 'master', LAB_BRIDGE, 'up']);
      const ip = `${LAB_SUBNET}.${octet}`;
      await inNetns(name, 'ip', ['addr', 'add', `${ip}/24`, 'dev', 'eth0']);
      await inNetns(name, 'ip', ['link', 'set', 'eth0', 'up']);
      return { netns: name, ip };
    };
    const hosts: LabHost[] = [];
    for (let i = 1; i <= hostCount; i++) hosts.push(await join(testNetnsName(`${label}-h${i}`), 10 + i, `h${i}`));
    const outside = await join(testNetnsName(`${label}-out`), 250, 'out');
    return { hosts, outside, exec: inNetns, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
