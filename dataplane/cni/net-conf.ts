/**
 * The plugin's network configuration (stdin JSON), validated into a typed value. Every rejection names the
 * field and says how to fix it; unknown fields are ignored because runtimes add their own (args, runtimeConfig).
 */
import { join } from 'node:path';
import { type Ipv4Cidr, cidrContains, formatIpv4, parseIpv4, parseIpv4Cidr } from '../../api/ipv4.js';
import { IDENTIFIER, interfaceNameProblem } from './names.js';
import {
  type Attachment, CniError, type CniResult, type Dns, ErrorCode, SUPPORTED_VERSIONS, VALID_ATTACHMENTS_KEY,
  isSupportedVersion,
} from './spec.js';

export const DEFAULT_BRIDGE = 'cairn0';
export const DEFAULT_MTU = 1500;
/** Base of host-local state, as in the reference plugin; the network name is appended. */
export const DEFAULT_DATA_DIR = '/var/lib/cni/networks';

export interface HostLocalConf {
  /** The subnet with host bits zero. */
  subnet: Ipv4Cidr;
  /** Inclusive bounds of the allocatable addresses. */
  rangeStart: number;
  rangeEnd: number;
  gateway: number;
  /** Directory holding this network's reservations (`dataDir/<network name>`). */
  stateDir: string;
}

export interface NetConf {
  cniVersion: string;
  name: string;
  type: string;
  bridge: string;
  mtu: number;
  ipam: HostLocalConf;
  dns?: Dns;
  /** The previous ADD result: present on CHECK (required) and DEL (optional). */
  prevResult?: CniResult;
  /** GC only: the attachments that must survive. */
  validAttachments?: Attachment[];
}

type Json = Record<string, unknown>;

function invalid(field: string, problem: string, fix: string): CniError {
  return new CniError(ErrorCode.InvalidNetworkConfig, `invalid network config field "${field}"`, `${problem}; ${fix}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(obj: Json, key: string, path: string): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !value) {
    throw invalid(path, `must be a non-empty string, got ${JSON.stringify(value)}`, `set "${key}" to a string or remove it`);
  }
  return value;
}

function requiredString(obj: Json, key: string, path: string, example: string): string {
  const value = optionalString(obj, key, path);
  if (value === undefined) throw invalid(path, 'is missing', `add "${key}", e.g. ${JSON.stringify(example)}`);
  return value;
}

function optionalStringList(obj: Json, key: string, path: string): string[] | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v)) {
    throw invalid(path, 'must be a list of non-empty strings', `write e.g. "${key}": ["..."]`);
  }
  return value as string[];
}

/** Reads the JSON document; a non-object is a decode failure (code 6), not a config error. */
export function decodeJson(stdin: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdin);
  } catch (err) {
    throw new CniError(ErrorCode.DecodeFailure, 'failed to decode network config from stdin', (err as Error).message);
  }
  if (!isObject(parsed)) throw new CniError(ErrorCode.DecodeFailure, 'failed to decode network config from stdin', 'expected a JSON object');
  return parsed;
}

/** Validates `cniVersion`; an unsupported one is code 1 (incompatible version). */
export function readVersion(obj: Json): string {
  const version = requiredString(obj, 'cniVersion', 'cniVersion', '1.0.0');
  if (!isSupportedVersion(version)) {
    throw new CniError(ErrorCode.IncompatibleVersion, `incompatible CNI version ${version}`,
      `this plugin supports ${SUPPORTED_VERSIONS.join(', ')}; set "cniVersion" to one of them`);
  }
  return version;
}

function readAddress(obj: Json, key: string, subnet: Ipv4Cidr, fallback: number): number {
  const path = `ipam.${key}`;
  const text = optionalString(obj, key, path);
  if (text === undefined) return fallback;
  const address = parseIpv4(text);
  if (address === undefined) throw invalid(path, `"${text}" is not an IPv4 address`, 'write a dotted quad such as "10.244.1.10"');
  if (!cidrContains(subnet, address) || address === subnet.first || address === subnet.last) {
    throw invalid(path, `${text} is not a host address of subnet ${formatIpv4(subnet.first)}/${subnet.prefix}`,
      `use an address between ${formatIpv4(subnet.first + 1)} and ${formatIpv4(subnet.last - 1)}`);
  }
  return address;
}

function readIpam(obj: Json, networkName: string): HostLocalConf {
  const ipam = obj['ipam'];
  if (!isObject(ipam)) throw invalid('ipam', 'is missing or not an object', 'add "ipam": {"type": "host-local", "subnet": "<node podCIDR>"}');
  const type = requiredString(ipam, 'type', 'ipam.type', 'host-local');
  if (type !== 'host-local') throw invalid('ipam.type', `"${type}" is not supported`, 'set it to "host-local"');
  const subnetText = requiredString(ipam, 'subnet', 'ipam.subnet', '10.244.1.0/24');
  const subnet = parseIpv4Cidr(subnetText);
  if (!subnet) throw invalid('ipam.subnet', `"${subnetText}" is not an IPv4 CIDR`, 'write it as "a.b.c.d/n", e.g. "10.244.1.0/24"');
  if (subnet.prefix > 30) throw invalid('ipam.subnet', `/${subnet.prefix} leaves no room for a gateway and pods`, 'use a prefix of /30 or shorter');
  if (subnet.address !== subnet.first) {
    throw invalid('ipam.subnet', `${subnetText} has host bits set`, `use ${formatIpv4(subnet.first)}/${subnet.prefix}`);
  }
  const gateway = readAddress(ipam, 'gateway', subnet, subnet.first + 1);
  const rangeStart = readAddress(ipam, 'rangeStart', subnet, subnet.first + 1);
  const rangeEnd = readAddress(ipam, 'rangeEnd', subnet, subnet.last - 1);
  if (rangeStart > rangeEnd) {
    throw invalid('ipam.rangeStart', `${formatIpv4(rangeStart)} is after ipam.rangeEnd ${formatIpv4(rangeEnd)}`, 'swap them or widen the range');
  }
  if (rangeStart === rangeEnd && rangeStart === gateway) throw invalid('ipam.rangeStart', 'the range holds only the gateway', 'widen the range');
  const dataDir = optionalString(ipam, 'dataDir', 'ipam.dataDir') ?? DEFAULT_DATA_DIR;
  if (!dataDir.startsWith('/')) throw invalid('ipam.dataDir', `"${dataDir}" is relative`, 'use an absolute path such as "/var/lib/cni/networks"');
  return { subnet, gateway, rangeStart, rangeEnd, stateDir: join(dataDir, networkName) };
}

function readDns(obj: Json): Dns | undefined {
  const dns = obj['dns'];
  if (dns === undefined) return undefined;
  if (!isObject(dns)) throw invalid('dns', 'is not an object', 'write e.g. "dns": {"nameservers": ["10.96.0.10"]}');
  const nameservers = optionalStringList(dns, 'nameservers', 'dns.nameservers');
  const bad = nameservers?.find((n) => parseIpv4(n) === undefined && !n.includes(':'));
  if (bad !== undefined) throw invalid('dns.nameservers', `"${bad}" is not an IP address`, 'list nameserver IPs such as "10.96.0.10"');
  const result: Dns = {
    nameservers,
    domain: optionalString(dns, 'domain', 'dns.domain'),
    search: optionalStringList(dns, 'search', 'dns.search'),
    options: optionalStringList(dns, 'options', 'dns.options'),
  };
  return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)) as Dns;
}

function readPrevResult(obj: Json): CniResult | undefined {
  const prev = obj['prevResult'];
  if (prev === undefined) return undefined;
  if (!isObject(prev) || (prev['ips'] !== undefined && !Array.isArray(prev['ips'])) ||
      (prev['interfaces'] !== undefined && !Array.isArray(prev['interfaces']))) {
    throw invalid('prevResult', 'is not a CNI result', 'pass the unmodified result of the previous ADD');
  }
  return prev as unknown as CniResult;
}

function readAttachments(obj: Json): Attachment[] | undefined {
  const list = obj[VALID_ATTACHMENTS_KEY];
  if (list === undefined) return undefined;
  const ok = Array.isArray(list) && list.every((a) => isObject(a) && typeof a['containerID'] === 'string' && typeof a['ifname'] === 'string');
  if (!ok) throw invalid(VALID_ATTACHMENTS_KEY, 'must be a list of {"containerID", "ifname"} objects', 'pass the attachments that are still in use');
  return list as Attachment[];
}

/** Parses and validates stdin for ADD/DEL/CHECK/GC; throws a {@link CniError} with code 1, 6 or 7. */
export function parseNetConf(stdin: string): NetConf {
  const obj = decodeJson(stdin);
  const cniVersion = readVersion(obj);
  const name = requiredString(obj, 'name', 'name', 'cairn');
  if (!IDENTIFIER.test(name)) {
    throw invalid('name', `"${name}" has characters a network name cannot have`, 'use letters, digits, "_", "." or "-", starting with a letter or digit');
  }
  const type = requiredString(obj, 'type', 'type', 'cairn-cni');
  const bridge = optionalString(obj, 'bridge', 'bridge') ?? DEFAULT_BRIDGE;
  const bridgeProblem = interfaceNameProblem(bridge);
  if (bridgeProblem) throw invalid('bridge', bridgeProblem, 'use a Linux interface name of at most 15 characters, e.g. "cairn0"');
  const mtu = obj['mtu'] ?? DEFAULT_MTU;
  if (!Number.isInteger(mtu) || (mtu as number) < 68 || (mtu as number) > 65535) {
    throw invalid('mtu', `${JSON.stringify(mtu)} is not an MTU`, 'use an integer between 68 and 65535, e.g. 1500');
  }
  return {
    cniVersion, name, type, bridge, mtu: mtu as number,
    ipam: readIpam(obj, name),
    dns: readDns(obj),
    prevResult: readPrevResult(obj),
    validAttachments: readAttachments(obj),
  };
}
