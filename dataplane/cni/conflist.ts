/**
 * Network configuration files as a runtime reads them (libcni's conf dir rules): the first `.conflist`,
 * `.conf` or `.json` file by name wins; a single-plugin `.conf` is treated as a list of one. Also the node's
 * default list, which the agent writes once it knows its podCIDR.
 */
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DEFAULT_BRIDGE, DEFAULT_MTU, parseNetConf } from './net-conf.js';
import { LATEST_VERSION } from './spec.js';

/** One plugin's entry in a list; `type` names its executable, the rest is the plugin's own. */
export interface PluginConf {
  type: string;
  [key: string]: unknown;
}

export interface NetworkConfigList {
  cniVersion: string;
  name: string;
  disableCheck?: boolean;
  disableGC?: boolean;
  plugins: PluginConf[];
}

export const CONF_EXTENSIONS = ['.conflist', '.conf', '.json'];
/** The file {@link writeNodeCniConfig} writes; "10-" sorts it ahead of files an operator adds later. */
export const NODE_CONF_FILE = '10-cairn.conflist';
export const NODE_NETWORK_NAME = 'cairn';
export const PLUGIN_TYPE = 'cairn-cni';

function fail(file: string, problem: string): Error {
  return new Error(`CNI config ${file}: ${problem}`);
}

/** Validates a parsed file; a `.conf` (single plugin, `type` at the top) becomes a list of one. */
export function toConfigList(file: string, parsed: unknown): NetworkConfigList {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fail(file, 'is not a JSON object');
  const obj = parsed as Record<string, unknown>;
  if (typeof obj['cniVersion'] !== 'string') throw fail(file, '"cniVersion" is missing');
  if (typeof obj['name'] !== 'string' || !obj['name']) throw fail(file, '"name" is missing');
  const list = Array.isArray(obj['plugins'])
    ? (obj as unknown as NetworkConfigList)
    : { cniVersion: obj['cniVersion'], name: obj['name'], plugins: [obj as PluginConf] };
  if (!list.plugins.length) throw fail(file, '"plugins" is empty');
  const untyped = list.plugins.findIndex((p) => typeof p?.type !== 'string' || !p.type);
  if (untyped >= 0) throw fail(file, `plugins[${untyped}].type is missing`);
  return list;
}

/** The first config file in `confDir` by name, or undefined when there is none (the node is not ready for pods). */
export async function loadNetworkConfig(confDir: string): Promise<NetworkConfigList | undefined> {
  const names = (await readdir(confDir).catch(() => [] as string[]))
    .filter((n) => CONF_EXTENSIONS.includes(extname(n))).sort();
  if (!names.length) return undefined;
  const file = join(confDir, names[0]!);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw fail(file, (err as Error).message);
  }
  return toConfigList(file, parsed);
}

export interface NodeCniOptions {
  mtu?: number;
  bridge?: string;
  /** host-local state base directory (default /var/lib/cni/networks). */
  dataDir?: string;
  /** Nameservers etc. reported in results. */
  dns?: { nameservers?: string[]; search?: string[]; options?: string[] };
}

/** The node's list: one `cairn-cni` plugin on the node's podCIDR. */
export function nodeCniConfig(podCIDR: string, options: NodeCniOptions = {}): NetworkConfigList {
  return {
    cniVersion: LATEST_VERSION,
    name: NODE_NETWORK_NAME,
    plugins: [{
      type: PLUGIN_TYPE,
      bridge: options.bridge ?? DEFAULT_BRIDGE,
      mtu: options.mtu ?? DEFAULT_MTU,
      ipam: { type: 'host-local', subnet: podCIDR, ...(options.dataDir ? { dataDir: options.dataDir } : {}) },
      ...(options.dns ? { dns: options.dns } : {}),
    }],
  };
}

/**
 * Writes the node's list to `confDir/10-cairn.conflist` atomically (a reader never sees half a file); returns
 * its path. Rejects, naming the field, when the plugin would reject the config (e.g. a malformed podCIDR).
 */
export async function writeNodeCniConfig(confDir: string, podCIDR: string, options: NodeCniOptions = {}): Promise<string> {
  const list = nodeCniConfig(podCIDR, options);
  parseNetConf(JSON.stringify({ ...list.plugins[0], name: list.name, cniVersion: list.cniVersion }));
  await mkdir(confDir, { recursive: true });
  const path = join(confDir, NODE_CONF_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(list, null, 2)}\n`);
  await rename(temp, path);
  return path;
}
