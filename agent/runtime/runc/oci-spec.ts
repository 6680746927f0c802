/** The part of the OCI runtime-spec 1.0 config.json (github.com/opencontainers/runtime-spec) that Cairn writes. */

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface OciRlimit {
  type: string;
  soft: number;
  hard: number;
}

export interface OciProcess {
  terminal: boolean;
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities: { bounding: string[]; effective: string[]; permitted: string[] };
  rlimits?: OciRlimit[];
  noNewPrivileges: boolean;
}

export interface OciNamespace {
  type: 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';
  /** Join this existing namespace instead of creating one. */
  path?: string;
}

export interface OciResources {
  devices: { allow: boolean; access: string; type?: string; major?: number; minor?: number }[];
  memory?: { limit: number };
  cpu?: { shares?: number; quota?: number; period?: number };
  pids?: { limit: number };
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly: boolean };
  hostname?: string;
  mounts: OciMount[];
  linux: {
    namespaces: OciNamespace[];
    cgroupsPath: string;
    resources: OciResources;
    maskedPaths: string[];
    readonlyPaths: string[];
  };
}
