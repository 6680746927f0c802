/**
 * A pod sandbox is a named network namespace (`ip netns add <prefix><podId>`, bind-mounted under /run/netns)
 * with loopback up; every container of the pod joins it by path, and CNI configures it. Named namespaces
 * outlive the agent, so /run/netns is the sandbox list after a restart. Ensure/remove are idempotent.
 * With a pod network, a sandbox is ready only once attached; its address is read back from the namespace
 * itself (and the attachment checked), so a restarted agent finds the same address without state of its own.
 */
import { readdir } from 'node:fs/promises';
import type { PodNetwork, PodSandbox } from '../runtime.js';
import { runChecked, runCommand } from './command.js';

export const NETNS_DIR = '/run/netns';
/** The pod's interface name (CNI_IFNAME), as in Kubernetes. */
export const POD_INTERFACE = 'eth0';

export class NetnsSandboxes {
  /**
   * Sandboxes set up (or verified) by this process, with their address if networked: later calls need no
   * tool run (pod workers ensure their sandbox on every sync).
   */
  private readonly attached = new Map<string, string | undefined>();

  constructor(private readonly prefix: string, private readonly ip = 'ip', private readonly network?: PodNetwork) {}

  netnsName(podId: string): string {
    return `${this.prefix}${podId}`;
  }

  netnsPath(podId: string): string {
    return `${NETNS_DIR}/${this.netnsName(podId)}`;
  }

  async ensure(podId: string): Promise<PodSandbox> {
    const name = this.netnsName(podId);
    const netnsPath = this.netnsPath(podId);
    if ((await this.names()).includes(name)) {
      if (this.attached.has(podId)) {
        const ip = this.attached.get(podId);
        return ip === undefined ? { podId, netnsPath } : { podId, netnsPath, ip };
      }
    } else {
      this.attached.delete(podId);
      const added = await runCommand(this.ip, ['netns', 'add', name]);
      // Another caller may have won the race: existing is success.
      if (added.code !== 0 && !(await this.names()).includes(name)) throw new Error(`ip netns add ${name}: ${added.stderr.trim()}`);
    }
    try {
      await runChecked(this.ip, ['-n', name, 'link', 'set', 'lo', 'up']);
      if (!this.network) {
        this.attached.set(podId, undefined);
        return { podId, netnsPath };
      }
      const ip = await this.attach(podId, name, netnsPath);
      this.attached.set(podId, ip);
      return { podId, netnsPath, ip };
    } catch (error) {
      // Roll back: a sandbox without loopback or network would look healthy and not be. The setup error is the one to report.
      await this.remove(podId).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The pod's address, attaching it if needed. A namespace found with an address (after an agent restart) is
   * checked once, since a crash mid-ADD can leave an address without routes; a failed check is redone.
   */
  private async attach(podId: string, name: string, netnsPath: string): Promise<string> {
    const network = this.network!;
    const existing = await this.podAddress(name);
    if (existing && await network.check(podId, netnsPath).then(() => true, () => false)) return existing;
    if (existing) await network.tearDown(podId, netnsPath);
    return network.setUp(podId, netnsPath);
  }

  /** The IPv4 address on the pod's eth0, if the network already attached it. */
  private async podAddress(name: string): Promise<string | undefined> {
    const out = await runCommand(this.ip, ['-n', name, '-j', '-4', 'addr', 'show', 'dev', POD_INTERFACE]);
    if (out.code !== 0) return undefined;
    const links = JSON.parse(out.stdout || '[]') as { addr_info?: { local?: string }[] }[];
    return links[0]?.addr_info?.[0]?.local;
  }

  async remove(podId: string): Promise<void> {
    const name = this.netnsName(podId);
    this.attached.delete(podId);
    try {
      // Detached even if the namespace is gone: the address is released from IPAM either way.
      await this.network?.tearDown(podId, this.netnsPath(podId));
    } finally {
      if ((await this.names()).includes(name)) {
        const deleted = await runCommand(this.ip, ['netns', 'delete', name]);
        if (deleted.code !== 0 && (await this.names()).includes(name)) throw new Error(`ip netns delete ${name}: ${deleted.stderr.trim()}`);
      }
    }
  }

  async list(): Promise<PodSandbox[]> {
    return (await this.names())
      .filter((name) => name.startsWith(this.prefix))
      .map((name) => name.slice(this.prefix.length))
      .map((podId) => ({ podId, netnsPath: this.netnsPath(podId) }));
  }

  /** What `ip netns list` shows, read from its directory: no process per look (every pod sync looks). */
  private async names(): Promise<string[]> {
    return readdir(NETNS_DIR).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
  }
}
