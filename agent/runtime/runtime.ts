/**
 * The container runtime seen by the node agent: pod sandboxes (shared network namespace) and containers
 * inside them, shaped like the CRI's RuntimeService but only about processes, never about Pod objects.
 * Implementations: runc/ (real containers) and sim/ (hollow nodes).
 */

/** cgroup limits of one container, already converted from Kubernetes resources (see runc/resources.ts). */
export interface ContainerResources {
  /** cpu.shares (cgroup v1 scale 2..262144); v2 maps it to cpu.weight. */
  cpuShares?: number;
  /** CFS quota in microseconds per `cpuPeriod`; absent means no CPU limit. */
  cpuQuota?: number;
  /** CFS period in microseconds (the kubelet uses 100000). */
  cpuPeriod?: number;
  memoryLimitBytes?: number;
  pidsLimit?: number;
}

/** A host path made visible in the container (volumes, ConfigMaps, Secrets, /etc/hosts ...). */
export interface ContainerMount {
  hostPath: string;
  containerPath: string;
  readOnly?: boolean;
}

export interface ContainerConfig {
  /** Unique on the node, stable across agent restarts; `[A-Za-z0-9][A-Za-z0-9_.-]*`. */
  id: string;
  /** The sandbox this container joins (its network namespace); must have been created by runPodSandbox. */
  podId: string;
  /** Joins the node's own network namespace instead of the sandbox's (spec.hostNetwork). */
  hostNetwork?: boolean;
  /** Container name within the pod, and which restart of it this is (0 first): the agent derives restartCount from it. */
  name: string;
  attempt: number;
  /** Free-form metadata kept with the container and returned by status/list (the agent's pod and container keys). */
  labels?: Record<string, string>;
  /** A prepared root filesystem directory (the image layer's job). */
  rootfs: string;
  /** Resolved command + args: args[0] is looked up in the container's PATH. */
  args: string[];
  /** `NAME=value` entries. */
  env?: string[];
  workingDir?: string;
  user?: { uid: number; gid: number; additionalGids?: number[] };
  hostname?: string;
  mounts?: ContainerMount[];
  resources?: ContainerResources;
  readonlyRootfs?: boolean;
}

/** A container whose end the runtime could not observe is `exited` with reason ContainerStatusUnknown. */
export type ContainerState = 'created' | 'running' | 'exited';

/** Reasons a runtime reports for an exited container (the values Kubernetes shows in `state.terminated.reason`). */
export const ExitReason = {
  Completed: 'Completed',
  Error: 'Error',
  OOMKilled: 'OOMKilled',
  /** The process never ran (bad executable, bad mount ...); `message` says why. */
  StartError: 'StartError',
  /** The runtime lost track of the container (its monitor died, the node rebooted). */
  Unknown: 'ContainerStatusUnknown',
} as const;
export type ExitReason = (typeof ExitReason)[keyof typeof ExitReason];

export interface ContainerStatus {
  id: string;
  podId: string;
  name: string;
  attempt: number;
  labels: Record<string, string>;
  state: ContainerState;
  /** RFC 3339 times; startedAt once started, finishedAt once exited. */
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Set when exited: the process's exit code (128 + signal when killed by one). */
  exitCode?: number;
  reason?: ExitReason;
  message?: string;
  /** Host pid of the container's first process while running. */
  pid?: number;
  /** CRI-format log (`<RFC3339Nano> <stdout|stderr> <F|P> <text>`); rotated files are `<logPath>.1`, `.2` ... */
  logPath: string;
}

export interface PodSandbox {
  podId: string;
  /** The network namespace the pod's containers join; CNI configures it. */
  netnsPath: string;
  /** The pod's address on the pod network; absent when the runtime has no pod network configured. */
  ip?: string;
}

export interface SandboxOptions {
  /** The pod uses the node's network namespace: no namespace of its own, no pod network attachment. */
  hostNetwork?: boolean;
}

/** Attaches sandboxes to the pod network (CNI ADD/DEL, as containerd does for a CRI sandbox). */
export interface PodNetwork {
  /** Gives the sandbox its interface and address; returns the address. Fails rather than leave it half-configured. */
  setUp(podId: string, netnsPath: string): Promise<string>;
  /** Releases the sandbox's interface and address; no error when they are already gone. */
  tearDown(podId: string, netnsPath: string): Promise<void>;
  /** Rejects unless the sandbox is attached exactly as setUp left it. */
  check(podId: string, netnsPath: string): Promise<void>;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The command ran past its timeout and was killed; exitCode is then meaningless. */
  timedOut: boolean;
}

/**
 * Contract shared by all runtimes. All operations are idempotent where the CRI's are (run/remove sandbox,
 * remove container) and survive an agent restart: a new instance on the same state finds every container
 * the previous one left, running ones still running.
 */
export interface ContainerRuntime {
  /** Creates the pod's namespaces if missing; returns the existing sandbox otherwise. */
  runPodSandbox(podId: string, options?: SandboxOptions): Promise<PodSandbox>;
  /** Tears the sandbox down; its containers must already be removed. No error if absent. */
  removePodSandbox(podId: string): Promise<void>;
  listPodSandboxes(): Promise<PodSandbox[]>;

  /** Records the container without starting it; state `created`. Rejects a duplicate id. */
  createContainer(config: ContainerConfig): Promise<ContainerStatus>;
  /** Starts a created container and resolves once it is running (or has already exited, e.g. StartError). */
  startContainer(id: string): Promise<ContainerStatus>;
  /** SIGTERM, then SIGKILL after `gracePeriodSeconds`; resolves once the container has exited. No-op if not running. */
  stopContainer(id: string, gracePeriodSeconds: number): Promise<ContainerStatus>;
  /** Kills if needed and forgets the container, its state and its logs. No error if absent. */
  removeContainer(id: string): Promise<void>;
  /** undefined when the runtime has no such container. */
  containerStatus(id: string): Promise<ContainerStatus | undefined>;
  listContainers(filter?: { podId?: string }): Promise<ContainerStatus[]>;
  /** Runs a command inside a running container (exec probes, `cairn exec`). */
  exec(id: string, args: string[], options?: { timeoutMs?: number }): Promise<ExecResult>;
}
