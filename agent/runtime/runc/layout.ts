/**
 * The on-disk state of one container, shared by the runtime and the container's conmon. Everything an agent
 * needs after a restart is here or in `runc state`: nothing lives only in the agent's memory.
 */
import { join } from 'node:path';
import type { ContainerConfig } from '../runtime.js';

export interface ContainerFiles {
  /** The OCI bundle directory (holds config.json); also conmon's bundle and persist dir. */
  dir: string;
  config: string;
  /** ContainerMeta, written at create. */
  meta: string;
  /** MonitorRecord, written once conmon has reported on `runc create`: the container was started. */
  monitor: string;
  /** The container's first process's host pid, written by `runc create` (conmon's `--container-pidfile`). */
  containerPid: string;
  /** conmon's own pid file (`--conmon-pidfile`). */
  conmonPid: string;
  /** conmon writes the exit code here (`--persist-dir`), after draining the container's output into the log. */
  conmonExit: string;
  /** conmon's control fifo: `2 0 0\n` makes it reopen the log file after a rotation. */
  ctl: string;
  /** ExitRecord: conmon's exit code plus what the agent read when it first saw it (OOM kills, times). */
  exit: string;
  /** runc's own log (JSON lines), for debugging a failed create. */
  runcLog: string;
  /** What conmon printed before it detached, for debugging it. */
  monitorLog: string;
}

export function containerFiles(containersDir: string, id: string): ContainerFiles {
  const dir = join(containersDir, id);
  return {
    dir,
    config: join(dir, 'config.json'),
    meta: join(dir, 'meta.json'),
    monitor: join(dir, 'monitor.json'),
    containerPid: join(dir, 'pidfile'),
    conmonPid: join(dir, 'conmon.pid'),
    conmonExit: join(dir, 'exit'),
    ctl: join(dir, 'ctl'),
    exit: join(dir, 'exit.json'),
    runcLog: join(dir, 'runc.log'),
    monitorLog: join(dir, 'conmon.log'),
  };
}

export interface ContainerMeta {
  config: ContainerConfig;
  createdAt: string;
  logPath: string;
  cgroupsPath: string;
}

export interface MonitorRecord {
  launchedAt: string;
  /** When `runc start` succeeded: from then on the container runs until conmon reports its exit. */
  startedAt?: string;
}

export interface ExitRecord {
  exitCode: number;
  oomKilled: boolean;
  /** Why the process could not be started at all (runc's error). */
  startError?: string;
  /** Why the exit code is unknown (its conmon died without recording one; the agent killed what was left). */
  lost?: string;
  startedAt: string;
  finishedAt: string;
}
