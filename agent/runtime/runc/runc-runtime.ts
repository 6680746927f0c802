/**
 * The real runtime: one OCI bundle per container under `<stateDir>/containers/<id>`, created by a detached
 * conmon (conmon.ts) through `runc create`, started with `runc start`, in the pod's named network namespace.
 * State lives on disk and in runc's root, so a new instance on the same directories adopts every container.
 */
import { access, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerConfig, ContainerRuntime, ContainerStatus, ExecResult, PodNetwork, PodSandbox, SandboxOptions } from '../runtime.js';
import { detectCgroupMode, oomCounterFile, parseOomKills, type CgroupMode } from './cgroups.js';
import { runCommand } from './command.js';
import { CONMON_MISSING, conmonInstalled, launchConmon, liveConmon, reopenLog, type CreateResult } from './conmon.js';
import { containerFiles, type ContainerFiles, type ContainerMeta, type ExitRecord, type MonitorRecord } from './layout.js';
import { rotateLogFiles } from './log-rotation.js';
import { NetnsSandboxes } from './pod-sandbox.js';
import { privateDir } from '../../util/private-dir.js';
import { runcExec } from './runc-exec.js';
import { composeStatus, START_ERROR_EXIT_CODE, UNKNOWN_EXIT_CODE, type RuncState } from './status.js';
import { buildSpec } from './spec.js';

export interface RuncRuntimeOptions {
  /** Holds containers/ and, unless overridden, logs/ and runc/. */
  stateDir: string;
  /** runc's --root: a private one keeps Cairn's containers apart from any other runc user. */
  runcRoot?: string;
  logDir?: string;
  runc?: string;
  conmon?: string;
  ip?: string;
  /** Absolute cgroup under which each container gets `<cgroupParent>/<id>`. */
  cgroupParent?: string;
  netnsPrefix?: string;
  /** Attaches each sandbox to the pod network; without it pods have loopback only. */
  network?: PodNetwork;
  /** The node's network namespace, which hostNetwork pods join (default init's: the machine's own). */
  hostNetnsPath?: string;
  /** A running container's log is rotated by rotateLogs() once it has reached this size (default 10 MiB). */
  logMaxBytes?: number;
  /** Files kept per container log, the live one included (default 5). */
  logMaxFiles?: number;
  startTimeoutMs?: number;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
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

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** Makes a record appear whole (a reader never sees half a file), whichever of concurrent writers wins. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

export class RuncRuntime implements ContainerRuntime {
  private readonly containersDir: string;
  private readonly runcRoot: string;
  private readonly logDir: string;
  private readonly runc: string;
  private readonly conmon: string;
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
    this.conmon = options.conmon ?? 'conmon';
    this.cgroupParent = options.cgroupParent ?? '/cairn';
    if (!posix.isAbsolute(this.cgroupParent)) throw new Error(`cgroupParent must be absolute: ${this.cgroupParent}`);
    this.hostNetnsPath = options.hostNetnsPath ?? '/proc/1/ns/net';
    this.sandboxes = new NetnsSandboxes(options.netnsPrefix ?? 'cairn-', options.ip, options.network);
  }

  static async open(options: RuncRuntimeOptions): Promise<RuncRuntime> {
    const runtime = new RuncRuntime(options, await detectCgroupMode());
    // Checked here, not at the first pod: without it every container would fail with `spawn conmon ENOENT`.
    if (!(await conmonInstalled(runtime.conmon))) throw new Error(options.conmon ? `${CONMON_MISSING}: ${options.conmon} cannot be run` : CONMON_MISSING);
    await privateDir(options.stateDir);
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
    // Both hold the env, Secret values included: root only.
    await writeFile(files.config, JSON.stringify(buildSpec({ config, cgroupsPath: meta.cgroupsPath, netnsPath }), null, 2), { mode: 0o600 });
    await writeFile(files.meta, JSON.stringify(meta), { mode: 0o600 });
    return this.statusOf(files, meta);
  }

  async startContainer(id: string): Promise<ContainerStatus> {
    return this.changing(() => this.startContainerNow(id));
  }

  private async startContainerNow(id: string): Promise<ContainerStatus> {
    const { files, meta } = await this.load(id);
    if ((await exists(files.monitor)) || (await exists(files.conmonPid))) throw new Error(`container ${id} was already started`);
    const launchedAt = new Date().toISOString();
    const startError = (message: string): Promise<void> =>
      this.recordExit(files, { exitCode: START_ERROR_EXIT_CODE, oomKilled: false, startError: message, startedAt: launchedAt, finishedAt: new Date().toISOString() });
    let created: CreateResult;
    try {
      created = await launchConmon({
        conmon: this.conmon, runc: this.runc, runcRoot: this.runcRoot, id, files, logPath: meta.logPath, timeoutMs: this.options.startTimeoutMs ?? 30_000,
      });
    } finally {
      // Even after a failure: conmon may be running, and the record is what marks the container as started.
      await writeFile(files.monitor, JSON.stringify({ launchedAt } satisfies MonitorRecord));
    }
    if ('error' in created) {
      await startError(created.error);
    } else {
      // Taken before `runc start`: the process may run and exit before the command returns.
      const startedAt = new Date().toISOString();
      const started = await runCommand(this.runc, ['--root', this.runcRoot, 'start', id]);
      if (started.code === 0) {
        await writeAtomically(files.monitor, JSON.stringify({ launchedAt, startedAt } satisfies MonitorRecord));
      } else {
        await this.kill(id, 'KILL');
        await startError(started.stderr.trim());
      }
    }
    return this.statusOf(files, meta);
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
      // The exit must be recorded (and the OOM counter read) before runc delete drops the cgroup.
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
   * Every pod worker lists its pod's containers on each sync; a scan of every container's files per caller
   * made that quadratic in pods (as the kubelet's PLEG avoids with one relist for all pods). So all callers
   * share one listing, taken at most LISTING_MAX_AGE_MS ago and after this runtime's last change
   * (create/start/stop/remove bump `changes`); exits show up within that age. A listing reads only files
   * (conmon's and ours): no runc process per listing.
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
    const statuses = await Promise.all((await readdir(this.containersDir)).map(async (id) => {
      const files = this.files(id);
      const meta = await readJson<ContainerMeta>(files.meta);
      return meta && this.statusOf(files, meta);
    }));
    return statuses.filter((s): s is ContainerStatus => s !== undefined);
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

  private async statusOf(files: ContainerFiles, meta: ContainerMeta): Promise<ContainerStatus> {
    const exit = await readJson<ExitRecord>(files.exit);
    if (exit) return composeStatus({ meta, monitorAlive: false, exit });
    const monitor = await readJson<MonitorRecord>(files.monitor);
    if (!monitor) return composeStatus({ meta, monitorAlive: false });
    // Liveness before the exit code: a conmon seen dead has already written its exit file, if ever.
    const monitorAlive = await liveConmon(files);
    const recorded = (await this.recordConmonExit(files, meta, monitor)) ?? (monitorAlive ? undefined : await this.recordLostExit(files, meta, monitor));
    if (recorded) return composeStatus({ meta, monitor, monitorAlive, exit: recorded });
    const pid = Number(await readFile(files.containerPid, 'utf8').catch(() => '')) || undefined;
    // No startedAt: an agent died between `runc create` and recording the start; only runc knows if it ran.
    const runc = monitor.startedAt ? undefined : (await this.runcState(meta.config.id)) ?? undefined;
    return composeStatus({ meta, monitor, monitorAlive, pid, runc });
  }

  /**
   * Turns conmon's exit file into the ExitRecord the first time it is seen: the OOM counter must be read before
   * removeContainer's `runc delete` drops the cgroup, and conmon knows only the exit code. Undefined while
   * the container has not exited.
   */
  private async recordConmonExit(files: ContainerFiles, meta: ContainerMeta, monitor: MonitorRecord): Promise<ExitRecord | undefined> {
    const code = await readFile(files.conmonExit, 'utf8').catch(() => undefined);
    if (code === undefined || !/^-?\d+$/.test(code.trim())) return undefined;
    const startedAt = monitor.startedAt ?? (await this.runcState(meta.config.id))?.created ?? monitor.launchedAt;
    // The file's mtime comes from the kernel's coarse clock, which can read a few ms behind Date.
    const exitedAt = Math.max((await stat(files.conmonExit)).mtimeMs, Date.parse(startedAt));
    const record: ExitRecord = {
      exitCode: Number(code.trim()),
      oomKilled: parseOomKills(await readFile(oomCounterFile(this.cgroupMode, meta.cgroupsPath), 'utf8').catch(() => '')) > 0,
      startedAt,
      finishedAt: new Date(exitedAt).toISOString(),
    };
    await this.recordExit(files, record);
    return record;
  }

  /**
   * Its conmon died without an exit file (OOM killer, a restart of the cgroup it lived in): the container may
   * still run, unwatched and with nobody to read its output, and the pod would get a second copy. It is
   * killed, and recorded as ended now with the kubelet's unknown exit code.
   */
  private async recordLostExit(files: ContainerFiles, meta: ContainerMeta, monitor: MonitorRecord): Promise<ExitRecord> {
    const id = meta.config.id;
    const state = await this.runcState(id);
    if (state && state.status !== 'stopped') {
      await this.kill(id, 'KILL');
      const deadline = Date.now() + KILL_TIMEOUT_MS;
      while (Date.now() < deadline && ((await this.runcState(id))?.status ?? 'stopped') !== 'stopped') await sleep(POLL_MS);
    }
    const startedAt = monitor.startedAt ?? state?.created ?? monitor.launchedAt;
    const record: ExitRecord = {
      exitCode: UNKNOWN_EXIT_CODE,
      oomKilled: false,
      lost: 'its conmon ended without recording an exit',
      startedAt,
      finishedAt: new Date(Math.max(Date.now(), Date.parse(startedAt))).toISOString(),
    };
    await this.recordExit(files, record);
    return record;
  }

  private async recordExit(files: ContainerFiles, record: ExitRecord): Promise<void> {
    await writeAtomically(files.exit, JSON.stringify(record));
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

  /**
   * Polls until the container has exited or `timeoutMs` passed; returns the status either way. The poll reads
   * only conmon's files (no runc call): its exit file, or conmon gone without one.
   */
  private async waitExited(files: ContainerFiles, meta: ContainerMeta, timeoutMs: number): Promise<ContainerStatus> {
    const deadline = Date.now() + timeoutMs;
    const ended = async (): Promise<boolean> =>
      (await exists(files.exit)) || (await exists(files.conmonExit)) || !(await exists(files.monitor)) || !(await liveConmon(files));
    while (!(await ended()) && Date.now() < deadline) await sleep(POLL_MS);
    return this.statusOf(files, meta);
  }

  /**
   * The kubelet's container log manager: each running container's log that has reached logMaxBytes is rotated
   * and its conmon told to reopen it. The agent calls this periodically; between calls a log can grow past the
   * limit by what the container writes meanwhile, as with the kubelet.
   */
  async rotateLogs(): Promise<void> {
    const maxBytes = this.options.logMaxBytes ?? 10 * 1024 * 1024;
    for (const id of await readdir(this.containersDir)) {
      const files = this.files(id);
      const meta = await readJson<ContainerMeta>(files.meta);
      if (!meta || ((await stat(meta.logPath).catch(() => undefined))?.size ?? 0) < maxBytes) continue;
      if ((await exists(files.conmonExit)) || !(await liveConmon(files))) continue; // nobody writes it any more
      rotateLogFiles(meta.logPath, this.options.logMaxFiles ?? 5);
      await reopenLog(files);
    }
  }

  /** The live log and its rotations (`<logPath>.N`, see log-rotation.ts). */
  private async removeLogs(logPath: string): Promise<void> {
    const dir = dirname(logPath);
    const base = basename(logPath);
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (name === base || (name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1)))) await rm(join(dir, name), { force: true });
    }
  }
}
