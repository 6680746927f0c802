/**
 * The real runtime: one OCI bundle per container under `<stateDir>/containers/<id>`, run by a detached
 * supervisor (supervisor.ts) through `runc run --keep`, in the pod's named network namespace. State lives
 * on disk and in runc's root, so a new instance on the same directories adopts every container.
 */
import { spawn } from 'node:child_process';
import { access, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ContainerConfig, ContainerRuntime, ContainerStatus, ExecResult, PodNetwork, PodSandbox, SandboxOptions } from '../runtime.js';
import { detectCgroupMode, oomCounterFile, type CgroupMode } from './cgroups.js';
import { runCommand } from './command.js';
import { containerFiles, type ContainerFiles, type ContainerMeta, type ExitRecord, type SupervisorRecord } from './layout.js';
import { NetnsSandboxes } from './pod-sandbox.js';
import { runcExec } from './runc-exec.js';
import { composeStatus, type RuncState } from './status.js';
import { buildSpec } from './spec.js';
import type { SupervisorOptions } from './supervisor.js';

export interface RuncRuntimeOptions {
  /** Holds containers/ and, unless overridden, logs/ and runc/. */
  stateDir: string;
  /** runc's --root: a private one keeps Cairn's containers apart from any other runc user. */
  runcRoot?: string;
  logDir?: string;
  runc?: string;
  ip?: string;
  /** Absolute cgroup under which each container gets `<cgroupParent>/<id>`. */
  cgroupParent?: string;
  netnsPrefix?: string;
  /** Attaches each sandbox to the pod network; without it pods have loopback only. */
  network?: PodNetwork;
  /** The node's network namespace, which hostNetwork pods join (default init's: the machine's own). */
  hostNetnsPath?: string;
  logMaxBytes?: number;
  logMaxFiles?: number;
  startTimeoutMs?: number;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const SUPERVISOR_MAIN = fileURLToPath(new URL('./supervisor-main.js', import.meta.url));
/** How old a shared container listing may be before a caller takes a new one. */
const LISTING_MAX_AGE_MS = 500;
const POLL_MS = 25;
/** How long a SIGKILLed container may take to be reaped and recorded before we call it stuck. */
const KILL_TIMEOUT_MS = 10_000;
const DEFAULT_EXEC_TIMEOUT_MS = 60_000;

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The pid is alive and still our supervisor (pids are reused). */
async function supervisorAlive(record: SupervisorRecord | undefined, files: ContainerFiles): Promise<boolean> {
  if (!record) return false;
  const cmdline = await readFile(`/proc/${record.pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes(SUPERVISOR_MAIN) && cmdline.includes(files.dir);
}

export class RuncRuntime implements ContainerRuntime {
  private readonly containersDir: string;
  private readonly runcRoot: string;
  private readonly logDir: string;
  private readonly runc: string;
  private readonly cgroupParent: string;
  private readonly sandboxes: NetnsSandboxes;
  private readonly hostNetnsPath: string;
  /** Bumped before and after every container change: a listing is reused only if none happened since. */
  private changes = 0;
  private listing: { at: number; changes: number; result: Promise<ContainerStatus[]> } | undefined;

  private constructor(private readonly options: RuncRuntimeOptions, private readonly cgroupMode: CgroupMode) {
    this.containersDir = join(options.stateDir, 'containers');
    this.runcRoot = options.runcRoot ?? join(options.stateDir, 'runc');
    this.logDir = options.logDir ?? join(options.stateDir, 'logs');
    this.runc = options.runc ?? 'runc';
    this.cgroupParent = options.cgroupParent ?? '/cairn';
    if (!posix.isAbsolute(this.cgroupParent)) throw new Error(`cgroupParent must be absolute: ${this.cgroupParent}`);
    this.hostNetnsPath = options.hostNetnsPath ?? '/proc/1/ns/net';
    this.sandboxes = new NetnsSandboxes(options.netnsPrefix ?? 'cairn-', options.ip, options.network);
  }

  static async open(options: RuncRuntimeOptions): Promise<RuncRuntime> {
    const runtime = new RuncRuntime(options, await detectCgroupMode());
    await mkdir(runtime.containersDir, { recursive: true });
    await mkdir(runtime.runcRoot, { recursive: true });
    return runtime;
  }

  async runPodSandbox(podId: string, options: SandboxOptions = {}): Promise<PodSandbox> {
    return options.hostNetwork ? { podId, netnsPath: this.hostNetnsPath } : this.sandboxes.ensure(podId);
  }

  async removePodSandbox(podId: string): Promise<void> {
    await this.sandboxes.remove(podId);
    await rm(join(this.logDir, podId), { recursive: true, force: true });
  }

  listPodSandboxes(): Promise<PodSandbox[]> {
    return this.sandboxes.list();
  }

  async createContainer(config: ContainerConfig): Promise<ContainerStatus> {
    return this.changing(() => this.createContainerNow(config));
  }

  private async createContainerNow(config: ContainerConfig): Promise<ContainerStatus> {
    if (!ID.test(config.id)) throw new Error(`invalid container id ${JSON.stringify(config.id)}`);
    const netnsPath = config.hostNetwork ? this.hostNetnsPath : this.sandboxes.netnsPath(config.podId);
    await access(netnsPath).catch(() => { throw new Error(`pod sandbox ${config.podId} does not exist`); });
    const files = this.files(config.id);
    await mkdir(files.dir).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST' ? new Error(`container ${config.id} already exists`) : error;
    });
    const meta: ContainerMeta = {
      config,
      createdAt: new Date().toISOString(),
      logPath: join(this.logDir, config.podId, config.name, `${config.attempt}.log`),
      cgroupsPath: posix.join(this.cgroupParent, config.id),
    };
    await mkdir(dirname(meta.logPath), { recursive: true });
    await writeFile(files.config, JSON.stringify(buildSpec({ config, cgroupsPath: meta.cgroupsPath, netnsPath }), null, 2));
    await writeFile(files.meta, JSON.stringify(meta));
    return this.statusOf(files, meta);
  }

  async startContainer(id: string): Promise<ContainerStatus> {
    return this.changing(() => this.startContainerNow(id));
  }

  private async startContainerNow(id: string): Promise<ContainerStatus> {
    const { files, meta } = await this.load(id);
    if (await readJson(files.supervisor)) throw new Error(`container ${id} was already started`);
    const options: SupervisorOptions = {
      runc: this.runc,
      runcRoot: this.runcRoot,
      id,
      files,
      logPath: meta.logPath,
      logMaxBytes: this.options.logMaxBytes ?? 10 * 1024 * 1024,
      logMaxFiles: this.options.logMaxFiles ?? 5,
      oomCounterFile: oomCounterFile(this.cgroupMode, meta.cgroupsPath),
    };
    const log = await open(files.supervisorLog, 'a');
    try {
      // detached = own session: the supervisor, and so the container, outlive the agent and its process group.
      const child = spawn(process.execPath, [SUPERVISOR_MAIN, JSON.stringify(options)], { detached: true, stdio: ['ignore', log.fd, log.fd] });
      await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
      child.unref();
      const record: SupervisorRecord = { pid: child.pid ?? 0, launchedAt: new Date().toISOString() };
      await writeFile(files.supervisor, JSON.stringify(record));
    } finally {
      await log.close();
    }
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
    for (;;) {
      const status = await this.statusOf(files, meta);
      if (status.state === 'running' || status.state === 'exited') return status;
      if (Date.now() > deadline) throw new Error(`container ${id} did not start in time`);
      await sleep(POLL_MS);
    }
  }

  async stopContainer(id: string, gracePeriodSeconds: number): Promise<ContainerStatus> {
    return this.changing(() => this.stopContainerNow(id, gracePeriodSeconds));
  }

  private async stopContainerNow(id: string, gracePeriodSeconds: number): Promise<ContainerStatus> {
    const { files, meta } = await this.load(id);
    if ((await this.statusOf(files, meta)).state !== 'running') return this.statusOf(files, meta);
    await this.kill(id, 'TERM');
    let status = await this.waitExited(files, meta, gracePeriodSeconds * 1000);
    if (status.state !== 'exited') {
      await this.kill(id, 'KILL');
      status = await this.waitExited(files, meta, KILL_TIMEOUT_MS);
      if (status.state !== 'exited') throw new Error(`container ${id} did not exit after SIGKILL`);
    }
    return status;
  }

  async removeContainer(id: string): Promise<void> {
    return this.changing(() => this.removeContainerNow(id));
  }

  private async removeContainerNow(id: string): Promise<void> {
    if (!ID.test(id)) throw new Error(`invalid container id ${JSON.stringify(id)}`);
    const files = this.files(id);
    const meta = await readJson<ContainerMeta>(files.meta);
    if (meta) {
      // The supervisor must have recorded the exit (and read the OOM counter) before runc delete drops the cgroup.
      if ((await this.statusOf(files, meta)).state === 'running') await this.kill(id, 'KILL');
      const status = await this.waitExited(files, meta, KILL_TIMEOUT_MS);
      if (status.state === 'running') throw new Error(`container ${id} did not exit after SIGKILL`);
    }
    const deleted = await runCommand(this.runc, ['--root', this.runcRoot, 'delete', '--force', id]);
    if (deleted.code !== 0 && !/does not exist/.test(deleted.stderr)) throw new Error(`runc delete ${id}: ${deleted.stderr.trim()}`);
    await rm(files.dir, { recursive: true, force: true });
    if (meta) await this.removeLogs(meta.logPath);
  }

  async containerStatus(id: string): Promise<ContainerStatus | undefined> {
    if (!ID.test(id)) return undefined;
    const files = this.files(id);
    const meta = await readJson<ContainerMeta>(files.meta);
    return meta && this.statusOf(files, meta);
  }

  /**
   * Every pod worker lists its pod's containers on each sync; one `runc list` plus a scan of every container's
   * files per caller made that quadratic in pods (as the kubelet's PLEG avoids with one relist for all pods).
   * So all callers share one listing, taken at most LISTING_MAX_AGE_MS ago and after this runtime's last change
   * (create/start/stop/remove bump `changes`); exits seen only by runc show up within that age.
   */
  async listContainers(filter: { podId?: string } = {}): Promise<ContainerStatus[]> {
    const now = Date.now();
    const cached = this.listing;
    const fresh = cached && cached.changes === this.changes && now - cached.at <= LISTING_MAX_AGE_MS;
    const listing = fresh ? cached : (this.listing = { at: now, changes: this.changes, result: this.listAll() });
    listing.result.catch(() => { if (this.listing === listing) this.listing = undefined; });
    const all = await listing.result;
    return filter.podId === undefined ? all : all.filter((c) => c.podId === filter.podId);
  }

  private async listAll(): Promise<ContainerStatus[]> {
    const listed = await runCommand(this.runc, ['--root', this.runcRoot, 'list', '--format', 'json']);
    if (listed.code !== 0) throw new Error(`runc list: ${listed.stderr.trim()}`);
    const states = new Map(((JSON.parse(listed.stdout) as RuncState[] | null) ?? []).map((s) => [s.id, s]));
    const statuses: ContainerStatus[] = [];
    for (const id of await readdir(this.containersDir)) {
      const files = this.files(id);
      const meta = await readJson<ContainerMeta>(files.meta);
      if (meta) statuses.push(await this.statusOf(files, meta, states.get(id) ?? null));
    }
    return statuses;
  }

  /** Wraps a state change so listings taken before or during it are not reused after it. */
  private async changing<T>(fn: () => Promise<T>): Promise<T> {
    this.changes++;
    try {
      return await fn();
    } finally {
      this.changes++;
    }
  }

  async exec(id: string, args: string[], options: { timeoutMs?: number } = {}): Promise<ExecResult> {
    const { files, meta } = await this.load(id);
    if ((await this.statusOf(files, meta)).state !== 'running') throw new Error(`container ${id} is not running`);
    return runcExec({
      runc: this.runc,
      runcRoot: this.runcRoot,
      id,
      args,
      pidFile: join(files.dir, `exec-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.pid`),
      timeoutMs: options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
    });
  }

  private files(id: string): ContainerFiles {
    return containerFiles(this.containersDir, id);
  }

  private async load(id: string): Promise<{ files: ContainerFiles; meta: ContainerMeta }> {
    const files = this.files(id);
    const meta = ID.test(id) ? await readJson<ContainerMeta>(files.meta) : undefined;
    if (!meta) throw new Error(`container ${id} not found`);
    return { files, meta };
  }

  /** `runc` is the container's entry from `runc list` when the caller has it (null: runc does not know it). */
  private async statusOf(files: ContainerFiles, meta: ContainerMeta, runc?: RuncState | null): Promise<ContainerStatus> {
    const supervisor = await readJson<SupervisorRecord>(files.supervisor);
    // Liveness before the exit record: a supervisor seen dead has already written its record, if ever.
    const alive = await supervisorAlive(supervisor, files);
    const exit = await readJson<ExitRecord>(files.exit);
    if (runc === undefined && supervisor && !exit) runc = await this.runcState(meta.config.id);
    return composeStatus({ meta, supervisor, supervisorAlive: alive, exit, runc: runc ?? undefined });
  }

  private async runcState(id: string): Promise<RuncState | null> {
    const state = await runCommand(this.runc, ['--root', this.runcRoot, 'state', id]);
    return state.code === 0 ? (JSON.parse(state.stdout) as RuncState) : null;
  }

  /** Signals the container's init; an already-stopped container is not an error. */
  private async kill(id: string, signal: 'TERM' | 'KILL'): Promise<void> {
    const killed = await runCommand(this.runc, ['--root', this.runcRoot, 'kill', id, signal]);
    if (killed.code !== 0 && !/not running|does not exist|process already finished/.test(killed.stderr)) {
      throw new Error(`runc kill ${id} ${signal}: ${killed.stderr.trim()}`);
    }
  }

  /** Polls until the container has exited or `timeoutMs` passed; returns the last status either way. */
  private async waitExited(files: ContainerFiles, meta: ContainerMeta, timeoutMs: number): Promise<ContainerStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.statusOf(files, meta);
      if (status.state !== 'running' || Date.now() >= deadline) return status;
      await sleep(POLL_MS);
    }
  }

  /** The live log and its rotations (`<logPath>.N`, see cri-log.ts). */
  private async removeLogs(logPath: string): Promise<void> {
    const dir = dirname(logPath);
    const base = basename(logPath);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (name === base || (name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1)))) await rm(join(dir, name), { force: true });
    }
  }
}
