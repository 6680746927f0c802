/** Builds a container's OCI config.json: pure, so every security default is visible and table-tested. */
import type { ContainerConfig } from '../runtime.js';
import type { OciMount, OciResources, OciSpec } from './oci-spec.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Docker's and containerd's default capability set: enough for ordinary servers, nothing that reaches the host. */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** containerd's defaults: kernel files that leak host information or allow host-wide changes. */
export const MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The kernel filesystems every container gets (runc's own `runc spec` set plus /sys/fs/cgroup read-only). */
const SYSTEM_MOUNTS: OciMount[] = [
  { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
  { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
  { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
  { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
];

export interface SpecInput {
  config: ContainerConfig;
  /** Absolute cgroup path (relative to each hierarchy's root on v1, to the unified root on v2). */
  cgroupsPath: string;
  /** The pod's network namespace, joined rather than created. */
  netnsPath: string;
}

function withDefaultEnv(env: string[], hostname: string | undefined): string[] {
  const has = (name: string) => env.some((entry) => entry.startsWith(`${name}=`));
  const defaults = [];
  if (!has('PATH')) defaults.push(`PATH=${DEFAULT_PATH}`);
  // containerd sets HOSTNAME too; shells and some servers read it rather than calling gethostname().
  if (hostname !== undefined && !has('HOSTNAME')) defaults.push(`HOSTNAME=${hostname}`);
  return [...defaults, ...env];
}

function resources(config: ContainerConfig): OciResources {
  const r = config.resources ?? {};
  // Deny all devices, then runc adds its default allow-list (null, zero, full, random, urandom, tty, pts).
  const out: OciResources = { devices: [{ allow: false, access: 'rwm' }] };
  if (r.memoryLimitBytes !== undefined) out.memory = { limit: r.memoryLimitBytes };
  // No swap limit: like the kubelet, nodes run without swap, so the memory limit alone bounds the container.
  // Undefined fields vanish when config.json is serialized.
  if (r.cpuShares !== undefined || r.cpuQuota !== undefined) {
    out.cpu = { shares: r.cpuShares, quota: r.cpuQuota, period: r.cpuQuota === undefined ? undefined : r.cpuPeriod };
  }
  if (r.pidsLimit !== undefined) out.pids = { limit: r.pidsLimit };
  return out;
}

export function buildSpec({ config, cgroupsPath, netnsPath }: SpecInput): OciSpec {
  const volumeMounts: OciMount[] = (config.mounts ?? []).map((m) => ({
    destination: m.containerPath,
    type: 'bind',
    source: m.hostPath,
    // rprivate: mounts made later on the host must not propagate into the container (and back).
    options: ['rbind', 'rprivate', ...(m.readOnly ? ['ro'] : [])],
  }));
  const user = config.user ?? { uid: 0, gid: 0 };
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: user.uid, gid: user.gid, ...(user.additionalGids?.length ? { additionalGids: user.additionalGids } : {}) },
      args: config.args,
      env: withDefaultEnv(config.env ?? [], config.hostname),
      cwd: config.workingDir || '/',
      capabilities: { bounding: DEFAULT_CAPABILITIES, effective: DEFAULT_CAPABILITIES, permitted: DEFAULT_CAPABILITIES },
      // No rlimits: the container inherits the agent's, as with containerd 2. Setting a hard limit above the
      // agent's needs CAP_SYS_RESOURCE, which a confined agent may lack, and would fail every container.
      // Stricter than Kubernetes' default (allowPrivilegeEscalation: true): setuid binaries cannot gain privileges.
      noNewPrivileges: true,
    },
    root: { path: config.rootfs, readonly: config.readonlyRootfs ?? false },
    ...(config.hostname !== undefined ? { hostname: config.hostname } : {}),
    mounts: [...SYSTEM_MOUNTS, ...volumeMounts],
    linux: {
      // A fresh uts namespace per container is needed to set the hostname; every container of a pod gets the
      // same one, so the pod still looks like one host. ipc is per container until sandboxes own one.
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network', path: netnsPath }],
      cgroupsPath,
      resources: resources(config),
      maskedPaths: MASKED_PATHS,
      readonlyPaths: READONLY_PATHS,
    },
  };
}
