/**
 * conmon (CRI-O's container monitor, Debian `conmon`) as each container's monitor, as CRI-O drives it: conmon
 * runs `runc create`, reports the container's pid (or runc's error) on the sync pipe, and stays behind as
 * the container's parent, a small C process that writes stdout/stderr to the CRI log (k8s-file) and, once
 * the container has exited and its output is drained, the exit code to `<bundle>/exit`. The agent then
 * runs `runc start`. conmon detaches into the session the agent gives it, so containers outlive the agent.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, open, readFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ContainerFiles } from './layout.js';

export interface ConmonLaunch {
  conmon: string;
  runc: string;
  runcRoot: string;
  id: string;
  files: ContainerFiles;
  logPath: string;
  timeoutMs: number;
}

/** What conmon reports once `runc create` is done: the container's pid, or why it could not be created. */
export type CreateResult = { pid: number } | { error: string };

/** conmon's sync pipe message (`--api-version 1`): `{"data": <pid or -1>, "message": "..."}`. */
export function parseSyncMessage(line: string): CreateResult {
  const message = JSON.parse(line) as { data?: unknown; message?: unknown };
  if (typeof message.data === 'number' && message.data > 0) return { pid: message.data };
  return { error: typeof message.message === 'string' ? message.message.trim() : `conmon reported ${line.trim()}` };
}

export const CONMON_MISSING = 'conmon is not installed (Debian package conmon; scripts/setup.sh installs it)';

/** Whether `conmon` (a name looked up in PATH, or a path) can be run. */
export async function conmonInstalled(conmon = 'conmon'): Promise<boolean> {
  return resolveExecutable(conmon).then((p) => access(p, constants.X_OK)).then(() => true, () => false);
}

/** conmon wants its runtime as an absolute path; a bare name is looked up in PATH, as a shell would. */
export async function resolveExecutable(name: string, path = process.env.PATH ?? ''): Promise<string> {
  if (isAbsolute(name)) return name;
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  throw new Error(`${name} not found in PATH (${path}): install it or pass its absolute path`);
}

export function conmonArgs(l: Omit<ConmonLaunch, 'conmon' | 'timeoutMs'>): string[] {
  const { dir } = l.files;
  return [
    '--api-version', '1',
    '--cid', l.id, '--cuuid', l.id, '--name', l.id,
    '--runtime', l.runc, '--bundle', dir,
    '--container-pidfile', l.files.containerPid, '--conmon-pidfile', l.files.conmonPid,
    // The exit code goes to <dir>/exit; the attach socket, unused, stays in the bundle rather than under /var/run/crio.
    '--persist-dir', dir, '--full-attach',
    // No --log-size-max: conmon would truncate, losing lines; the runtime rotates instead (log-rotation.ts).
    '--log-path', `k8s-file:${l.logPath}`,
    ...['--root', l.runcRoot, '--log', l.files.runcLog, '--log-format', 'json'].flatMap((arg) => ['--runtime-arg', arg]),
  ];
}

/**
 * Launches conmon for a written bundle and resolves once `runc create` has succeeded or failed. conmon's first
 * process exits at once (after writing --conmon-pidfile); the monitor itself holds the sync pipe (fd 3).
 */
export async function launchConmon(l: ConmonLaunch): Promise<CreateResult> {
  const log = await open(l.files.monitorLog, 'a');
  try {
    const child = spawn(l.conmon, conmonArgs({ ...l, runc: await resolveExecutable(l.runc) }), {
      // detached = own session: conmon, and so the container, outlive the agent and its process group.
      detached: true,
      // conmon drops an `oom` marker file in its working directory: keep it in the bundle.
      cwd: l.files.dir,
      stdio: ['ignore', log.fd, log.fd, 'pipe'],
      env: { ...process.env, _OCI_SYNCPIPE: '3' },
    });
    child.unref();
    const sync = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
    try {
      return await new Promise<CreateResult>((resolve, reject) => {
        let text = '';
        const timer = setTimeout(() => reject(new Error(`conmon for ${l.id} did not report within ${l.timeoutMs} ms (see ${l.files.monitorLog})`)), l.timeoutMs);
        const done = (fn: () => void): void => { clearTimeout(timer); fn(); };
        child.once('error', (error) => done(() => reject(error)));
        sync.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const newline = text.indexOf('\n');
          if (newline >= 0) done(() => { try { resolve(parseSyncMessage(text.slice(0, newline))); } catch (error) { reject(error as Error); } });
        });
        sync.once('end', () => done(() => reject(new Error(`conmon for ${l.id} exited without reporting (see ${l.files.monitorLog})`))));
      });
    } finally {
      // conmon writes nothing more on the sync pipe for a container (only for exec sessions), so closing it is safe.
      sync.destroy();
    }
  } finally {
    await log.close();
  }
}

/** The pid conmon wrote for itself, if it is still that conmon (pids are reused). */
export async function liveConmon(files: ContainerFiles): Promise<boolean> {
  const pid = Number(await readFile(files.conmonPid, 'utf8').catch(() => ''));
  if (!pid) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('conmon') && cmdline.includes(files.dir);
}

/** Asks a running conmon to reopen its log file (after a rotation); false if no conmon listens any more. */
export async function reopenLog(files: ContainerFiles): Promise<boolean> {
  // Non-blocking: opening a fifo nobody reads fails (ENXIO) instead of waiting for a reader forever.
  const fifo = await open(files.ctl, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (!fifo) return false;
  try {
    await fifo.write('2 0 0\n');
    return true;
  } finally {
    await fifo.close();
  }
}
