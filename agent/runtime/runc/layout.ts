/**
 * The on-disk state of one container, shared by the runtime and the container's supervisor process. Everything
 * an agent needs after a restart is here or in `runc state`: nothing lives only in the agent's memory.
 */
import { join } from 'node:path';
import type { ContainerConfig } from '../runtime.js';

export interface ContainerFiles {
  /** The OCI bundle directory (holds config.json). */
  dir: string;
  config: string;
  /** ContainerMeta, written at create. */
  meta: string;
  /** SupervisorRecord, written when the container is started. */
  supervisor: string;
  /** ExitRecord, written by the supervisor once the container has exited and its logs are flushed. */
  exit: string;
  /** runc's own log (JSON lines): where a start failure's reason is found. */
  runcLog: string;
  /** The supervisor's stdout/stderr, for debugging it. */
  supervisorLog: string;
}

export function containerFiles(containersDir: string, id: string): ContainerFiles {
  const dir = join(containersDir, id);
  return {
    dir,
    config: join(dir, 'config.json'),
    meta: join(dir, 'meta.json'),
    supervisor: join(dir, 'supervisor.json'),
    exit: join(dir, 'exit.json'),
    runcLog: join(dir, 'runc.log'),
    supervisorLog: join(dir, 'supervisor.log'),
  };
}

export interface ContainerMeta {
  config: ContainerConfig;
  createdAt: string;
  logPath: string;
  cgroupsPath: string;
}

export interface SupervisorRecord {
  pid: number;
  launchedAt: string;
}

export interface ExitRecord {
  exitCode: number;
  oomKilled: boolean;
  /** runc's error when the process could not be started at all. */
  startError?: string;
  startedAt: string;
  finishedAt: string;
}
