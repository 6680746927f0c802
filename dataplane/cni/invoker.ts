/**
 * The runtime side of CNI, as containerd drives it through libcni: the conf dir's first network list, each
 * plugin run in order for ADD (each seeing the previous one's result) and in reverse for DEL, CHECK with the
 * cached ADD result, GC with the attachments still in use.
 *
 * Concurrency: calls for different attachments may run in parallel; calls for one attachment must not
 * (the spec forbids it and the agent serialises per pod).
 */
import { type NetworkConfigList, type PluginConf, loadNetworkConfig } from './conflist.js';
import { execPlugin } from './plugin-exec.js';
import { DEFAULT_CACHE_DIR, ResultCache } from './result-cache.js';
import {
  type CniResult, type Dns, type ResultInterface, type ResultIp, type ResultRoute, VALID_ATTACHMENTS_KEY, type VersionResult,
} from './spec.js';

export interface CniInvokerOptions {
  /** Where network lists are read from (e.g. /etc/cni/net.d). */
  confDir: string;
  /** CNI_PATH: directories searched for plugin executables, in order (e.g. /opt/cni/bin). */
  binDirs: string[];
  /** A namespace name under /run/netns that plugins run in (a lab host); undefined = this process's namespace. */
  hostNetns?: string;
  /** Where ADD results are kept for CHECK, DEL and GC; default /var/lib/cni/results. */
  cacheDir?: string;
  /** Per plugin call; default 60 s. */
  timeoutMs?: number;
}

export interface AttachmentRef {
  containerId: string;
  /** The pod sandbox's netns path (e.g. /run/netns/<name> or /proc/<pid>/ns/net). */
  netnsPath: string;
  ifName: string;
  /** CNI_ARGS, e.g. { K8S_POD_NAMESPACE: 'default', K8S_POD_NAME: 'web-0' }. */
  args?: Record<string, string>;
}

/** DEL must work after the sandbox is gone, so the namespace is optional there. */
export type DelRef = Omit<AttachmentRef, 'netnsPath'> & { netnsPath?: string };

export interface AttachmentId {
  containerId: string;
  ifName: string;
}

/** What ADD gave the pod, read from the chain's final result. */
export interface PodNetwork {
  networkName: string;
  /** The pod interface's address, without prefix (e.g. 10.244.1.5). */
  ip: string;
  /** With prefix (e.g. 10.244.1.5/24). */
  cidr: string;
  gateway?: string;
  interfaces: ResultInterface[];
  ips: ResultIp[];
  routes: ResultRoute[];
  dns?: Dns;
  /** The raw final result, as cached for CHECK and DEL. */
  result: CniResult;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** The pod's address: the one on the interface named `ifName` in a sandbox, else the first. */
export function toPodNetwork(networkName: string, ifName: string, result: CniResult): PodNetwork {
  const interfaces = result.interfaces ?? [];
  const ips = result.ips ?? [];
  const podIndex = interfaces.findIndex((i) => i.name === ifName && i.sandbox);
  const chosen = ips.find((ip) => ip.interface === podIndex) ?? ips[0];
  if (!chosen) throw new Error(`CNI network ${networkName}: the plugin chain returned no IP address`);
  return {
    networkName, ip: chosen.address.split('/')[0]!, cidr: chosen.address, gateway: chosen.gateway,
    interfaces, ips, routes: result.routes ?? [], ...(result.dns ? { dns: result.dns } : {}), result,
  };
}

function cniArgs(args: Record<string, string> | undefined): string {
  return Object.entries(args ?? {}).map(([k, v]) => `${k}=${v}`).join(';');
}

export class CniInvoker {
  private readonly cache: ResultCache;

  constructor(private readonly options: CniInvokerOptions) {
    this.cache = new ResultCache(options.cacheDir ?? DEFAULT_CACHE_DIR);
  }

  private async currentConfig(): Promise<NetworkConfigList> {
    const list = await loadNetworkConfig(this.options.confDir);
    if (!list) throw new Error(`no CNI network config in ${this.options.confDir}: the node is not ready for pod networking`);
    return list;
  }

  /** One plugin call; the runtime supplies `name` and `cniVersion` (spec "Network configuration lists"). */
  private call(command: string, list: NetworkConfigList, plugin: PluginConf, env: Record<string, string>, extra: object): Promise<unknown> {
    return this.exec(plugin.type, { CNI_COMMAND: command, ...env }, { ...plugin, name: list.name, cniVersion: list.cniVersion, ...extra });
  }

  private exec(type: string, env: Record<string, string>, config: object): Promise<unknown> {
    const { binDirs, hostNetns, timeoutMs } = this.options;
    return execPlugin({ type, binDirs, netns: hostNetns, timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS, env, config });
  }

  private attachmentEnv(ref: DelRef): Record<string, string> {
    return { CNI_CONTAINERID: ref.containerId, CNI_NETNS: ref.netnsPath ?? '', CNI_IFNAME: ref.ifName, CNI_ARGS: cniArgs(ref.args) };
  }

  private async delChain(list: NetworkConfigList, ref: DelRef, prevResult: CniResult | undefined): Promise<void> {
    for (const plugin of [...list.plugins].reverse()) {
      await this.call('DEL', list, plugin, this.attachmentEnv(ref), prevResult ? { prevResult } : {});
    }
  }

  /**
   * Attaches the pod: runs the chain's ADDs and caches the final result. On failure the chain is DELeted
   * (best effort) before rejecting, so a failed ADD leaves nothing behind. Rejects with a CniError (the
   * plugin's code and msg) or an Error (plugin missing, crashed, timed out, or no config).
   */
  async add(ref: AttachmentRef): Promise<PodNetwork> {
    const list = await this.currentConfig();
    let result: CniResult | undefined;
    try {
      for (const plugin of list.plugins) {
        result = (await this.call('ADD', list, plugin, this.attachmentEnv(ref), result ? { prevResult: result } : {})) as CniResult;
      }
      const pod = toPodNetwork(list.name, ref.ifName, result!);
      await this.cache.put({ networkName: list.name, containerId: ref.containerId, ifName: ref.ifName, config: list, result: pod.result });
      return pod;
    } catch (err) {
      await this.delChain(list, ref, result).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Detaches the pod: the chain in reverse, with the config and result of its ADD when cached (else the
   * current config). Idempotent: deleting an attachment that is already gone succeeds.
   */
  async del(ref: DelRef): Promise<void> {
    const cached = await this.cache.find(ref.containerId, ref.ifName);
    const config = cached?.config ?? await loadNetworkConfig(this.options.confDir);
    // Nothing was ever added when there is neither a cached ADD nor a network config to have added it with.
    if (!config) return;
    await this.delChain(config, ref, cached?.result);
    if (cached) await this.cache.remove(cached);
  }

  /** Verifies the attachment is as ADD left it; rejects with the plugin's CniError when it is not. */
  async check(ref: AttachmentRef): Promise<void> {
    const cached = await this.cache.find(ref.containerId, ref.ifName);
    if (!cached) throw new Error(`CNI CHECK ${ref.containerId}/${ref.ifName}: no cached ADD result; was it added?`);
    if (cached.config.disableCheck) return;
    for (const plugin of cached.config.plugins) {
      await this.call('CHECK', cached.config, plugin, this.attachmentEnv(ref), { prevResult: cached.result });
    }
  }

  /**
   * Removes everything not in `valid`: cached attachments of the current network that are not listed are
   * DELeted, then each plugin gets GC with the list so it can release what it alone knows of (spec 1.1).
   * Tries everything, then rejects with the first error.
   */
  async gc(valid: AttachmentId[]): Promise<void> {
    const list = await this.currentConfig();
    if (list.disableGC) return;
    const keep = new Set(valid.map((a) => `${a.containerId}\n${a.ifName}`));
    const errors: unknown[] = [];
    for (const stale of (await this.cache.list()).filter((e) => e.networkName === list.name && !keep.has(`${e.containerId}\n${e.ifName}`))) {
      await this.delChain(stale.config, stale, stale.result).then(() => this.cache.remove(stale), (err) => { errors.push(err); });
    }
    const attachments = valid.map((a) => ({ containerID: a.containerId, ifname: a.ifName }));
    for (const plugin of list.plugins) {
      await this.call('GC', list, plugin, {}, { [VALID_ATTACHMENTS_KEY]: attachments }).catch((err) => { errors.push(err); });
    }
    if (errors.length) throw errors[0];
  }

  /** Each plugin's VERSION answer, by plugin type. */
  async versions(): Promise<Record<string, VersionResult>> {
    const list = await this.currentConfig();
    const answers: Record<string, VersionResult> = {};
    for (const plugin of list.plugins) {
      answers[plugin.type] = (await this.exec(plugin.type, { CNI_COMMAND: 'VERSION' }, { cniVersion: list.cniVersion })) as VersionResult;
    }
    return answers;
  }
}
