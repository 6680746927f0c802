/**
 * The CNI wire contract (spec 1.0 / 1.1) shared by the plugin and the invoker: versions, result shapes,
 * well-known error codes and the coded error both sides raise.
 */

/** Spec versions this plugin speaks, oldest first; results are 1.0-shaped for all of them. */
export const SUPPORTED_VERSIONS = ['1.0.0', '1.1.0'] as const;
export const LATEST_VERSION = '1.1.0';

/** Well-known error codes (spec "Error" section) and Cairn's plugin-specific ones (100+). */
export const ErrorCode = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  ContainerUnknown: 3,
  InvalidEnvironment: 4,
  IoFailure: 5,
  DecodeFailure: 6,
  InvalidNetworkConfig: 7,
  TryAgainLater: 11,
  /** A kernel operation (`ip`, sysctl) failed. */
  LinkFailure: 100,
  /** The IPAM range has no free address. */
  AddressesExhausted: 101,
  /** CHECK found the attachment differs from what ADD made. */
  CheckFailed: 102,
} as const;

/** Raised by the plugin (and re-raised by the invoker) with a spec error code; `msg` is short, `details` long. */
export class CniError extends Error {
  constructor(readonly code: number, readonly msg: string, readonly details?: string) {
    super(details ? `${msg}: ${details}` : msg);
    this.name = 'CniError';
  }
}

/** The spec's error object, written to stdout with a non-zero exit. */
export interface ErrorResult {
  cniVersion: string;
  code: number;
  msg: string;
  details?: string;
}

export interface ResultInterface {
  name: string;
  mac?: string;
  mtu?: number;
  /** The netns path for a container-side interface; absent for host interfaces. */
  sandbox?: string;
}

export interface ResultIp {
  /** CIDR, e.g. `10.244.1.5/24`. */
  address: string;
  gateway?: string;
  /** Index into `interfaces`. */
  interface?: number;
}

export interface ResultRoute {
  dst: string;
  gw?: string;
}

export interface Dns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

/** The ADD result (spec "Success" for ADD); also the `prevResult` handed to later plugins, CHECK and DEL. */
export interface CniResult {
  cniVersion: string;
  interfaces?: ResultInterface[];
  ips?: ResultIp[];
  routes?: ResultRoute[];
  dns?: Dns;
}

export interface VersionResult {
  cniVersion: string;
  supportedVersions: string[];
}

/** An attachment as GC names it: `cni.dev/valid-attachments` entries. */
export interface Attachment {
  containerID: string;
  ifname: string;
}

export const VALID_ATTACHMENTS_KEY = 'cni.dev/valid-attachments';

export function isSupportedVersion(version: string): boolean {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(version);
}
