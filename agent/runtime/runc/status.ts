/**
 * Turns what is on disk (our records, conmon's files) into a ContainerStatus: pure, so each case is
 * table-tested. runc's view is needed only for a container whose start the agent did not get to record.
 */
import { ExitReason, type ContainerStatus } from '../runtime.js';
import type { ContainerMeta, ExitRecord, MonitorRecord } from './layout.js';

/** One entry of `runc state` / `runc list --format json`. */
export interface RuncState {
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  created: string;
}

export interface ObservedContainer {
  meta: ContainerMeta;
  monitor?: MonitorRecord;
  monitorAlive: boolean;
  exit?: ExitRecord;
  /** The container's host pid (from runc create's pid file). */
  pid?: number;
  runc?: RuncState;
}

/** containerd reports a process that never ran with exit code 128. */
export const START_ERROR_EXIT_CODE = 128;
/** What the kubelet reports for a container whose end it could not observe. */
export const UNKNOWN_EXIT_CODE = 137;

function exitReason(exit: ExitRecord): ExitReason {
  if (exit.startError !== undefined) return ExitReason.StartError;
  if (exit.lost !== undefined) return ExitReason.Unknown;
  // Like containerd: any OOM kill inside the container marks it, even when its main process survived it.
  if (exit.oomKilled) return ExitReason.OOMKilled;
  return exit.exitCode === 0 ? ExitReason.Completed : ExitReason.Error;
}

export function composeStatus({ meta, monitor, monitorAlive, exit, pid, runc }: ObservedContainer): ContainerStatus {
  const { config } = meta;
  const base: ContainerStatus = {
    id: config.id,
    podId: config.podId,
    name: config.name,
    attempt: config.attempt,
    labels: config.labels ?? {},
    state: 'created',
    createdAt: meta.createdAt,
    logPath: meta.logPath,
  };
  if (exit) {
    const reason = exitReason(exit);
    return {
      ...base,
      state: 'exited',
      startedAt: exit.startedAt,
      finishedAt: exit.finishedAt,
      exitCode: reason === ExitReason.StartError ? START_ERROR_EXIT_CODE : exit.exitCode,
      reason,
      ...(exit.startError !== undefined || exit.lost !== undefined ? { message: exit.startError ?? exit.lost } : {}),
    };
  }
  if (!monitor || !monitorAlive) return base; // a dead conmon without an exit record: the runtime records one first
  // Started and not yet reported exited by conmon (a process that just ended is recorded on the next look).
  if (monitor.startedAt) return { ...base, state: 'running', startedAt: monitor.startedAt, ...(pid ? { pid } : {}) };
  if (runc && runc.status !== 'created' && runc.status !== 'creating') {
    return { ...base, state: 'running', startedAt: runc.created, ...(runc.pid ? { pid: runc.pid } : {}) };
  }
  return base;
}
