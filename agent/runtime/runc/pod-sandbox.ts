/**
 * A pod sandbox is a named network namespace (`ip netns add <prefix><podId>`, bind-mounted under /run/netns)
 * with loopback up; every container of the pod joins it by path, and CNI configures it. Named namespaces
 * outlive the agent, so `ip netns list` is the sandbox list after a restart. Ensure/remove are idempotent.
 */
import type { PodSandbox } from '../runtime.js';
import { runChecked, runCommand } from './command.js';

export const NETNS_DIR = '/run/netns';

export class NetnsSandboxes {
  constructor(private readonly prefix: string, private readonly ip = 'ip') {}

  netnsName(podId: string): string {
    return `${this.prefix}${podId}`;
  }

  netnsPath(podId: string): string {
    return `${NETNS_DIR}/${this.netnsName(podId)}`;
  }

  async ensure(podId: string): Promise<PodSandbox> {
    const name = this.netnsName(podId);
    if (!(await this.names()).includes(name)) {
      const added = await runCommand(this.ip, ['netns', 'add', name]);
      // Another caller may have won the race: existing is success.
      if (added.code !== 0 && !(await this.names()).includes(name)) throw new Error(`ip netns add ${name}: ${added.stderr.trim()}`);
    }
    try {
      await runChecked(this.ip, ['-n', name, 'link', 'set', 'lo', 'up']);
    } catch (error) {
      await this.remove(podId); // roll back: a sandbox without loopback would look healthy and not be
      throw error;
    }
    return { podId, netnsPath: this.netnsPath(podId) };
  }

  async remove(podId: string): Promise<void> {
    const name = this.netnsName(podId);
    if (!(await this.names()).includes(name)) return;
    const deleted = await runCommand(this.ip, ['netns', 'delete', name]);
    if (deleted.code !== 0 && (await this.names()).includes(name)) throw new Error(`ip netns delete ${name}: ${deleted.stderr.trim()}`);
  }

  async list(): Promise<PodSandbox[]> {
    return (await this.names())
      .filter((name) => name.startsWith(this.prefix))
      .map((name) => name.slice(this.prefix.length))
      .map((podId) => ({ podId, netnsPath: this.netnsPath(podId) }));
  }

  /** `ip netns list` prints `name` or `name (id: N)` per line. */
  private async names(): Promise<string[]> {
    return (await runChecked(this.ip, ['netns', 'list'])).split('\n').map((line) => line.split(' ')[0]).filter(Boolean);
  }
}
