/**
 * A pod's /etc/resolv.conf, by the kubelet's rules: ClusterFirst pods ask the cluster DNS with the search path
 * `<ns>.svc.<domain> svc.<domain> <domain>` and ndots:5; Default pods (and ClusterFirst host-network pods, or
 * any pod when no cluster DNS is configured) get the node's own resolver; None pods only their dnsConfig,
 * which every policy merges in last (nameservers and searches appended, options overriding by name).
 */
import type { Pod } from '../../api/types/core.js';

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: Map<string, string | undefined>;
}

export interface ClusterDnsSettings {
  /** The cluster DNS service address; absent: ClusterFirst falls back to the node's resolver, as the kubelet does. */
  nameserver?: string;
  domain: string;
}

/** Limits glibc honours (and the kubelet enforces). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], searches: [], options: new Map() };
  for (const line of text.split('\n')) {
    const [key, ...values] = line.replace(/[#;].*/, '').trim().split(/\s+/);
    if (key === 'nameserver' && values[0]) conf.nameservers.push(values[0]);
    else if (key === 'search' || key === 'domain') conf.searches = values;
    else if (key === 'options') for (const opt of values) setOption(conf.options, opt);
  }
  return conf;
}

function setOption(options: Map<string, string | undefined>, opt: string): void {
  const [name, value] = opt.split(':', 2);
  if (name) options.set(name, value);
}

function clusterResolvConf(namespace: string, settings: Required<ClusterDnsSettings>): ResolvConf {
  const { domain } = settings;
  return { nameservers: [settings.nameserver], searches: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain], options: new Map([['ndots', '5']]) };
}

export function podResolvConf(pod: Pod, settings: ClusterDnsSettings, hostResolvConf: ResolvConf): ResolvConf {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const cluster = settings.nameserver !== undefined
    && (policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.spec.hostNetwork));
  const base: ResolvConf = policy === 'None' ? { nameservers: [], searches: [], options: new Map() }
    : cluster ? clusterResolvConf(pod.metadata.namespace ?? 'default', settings as Required<ClusterDnsSettings>)
    : { ...hostResolvConf, options: new Map(hostResolvConf.options) };
  const extra = pod.spec.dnsConfig ?? {};
  const options = new Map(base.options);
  for (const o of extra.options ?? []) options.set(o.name, o.value);
  return {
    nameservers: [...base.nameservers, ...(extra.nameservers ?? [])].slice(0, MAX_NAMESERVERS),
    searches: [...new Set([...base.searches, ...(extra.searches ?? [])])].slice(0, MAX_SEARCHES),
    options,
  };
}

export function renderResolvConf(conf: ResolvConf): string {
  const lines = conf.nameservers.map((ns) => `nameserver ${ns}`);
  if (conf.searches.length) lines.push(`search ${conf.searches.join(' ')}`);
  if (conf.options.size) lines.push(`options ${[...conf.options].map(([k, v]) => (v === undefined ? k : `${k}:${v}`)).join(' ')}`);
  return lines.join('\n') + '\n';
}
