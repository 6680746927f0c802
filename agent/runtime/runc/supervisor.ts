/**
 * One detached process per container (like containerd's shim): runs `runc run --keep` in the foreground,
 * so it is the process that learns the exit code, turns stdout/stderr into CRI log files, and on exit
 * records an ExitRecord. It is started in its own session so containers outlive the agent; `--keep` leaves
 * the stopped container and its cgroup in place until the agent removes it, so the OOM counter can still be
 * read after the last process died.
 */
import { spawn } from 'node:child_process';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { parseOomKills } from './cgroups.js';
import { CriLogWriter } from './cri-log.js';
import { runCommand } from './command.js';
import type { ContainerFiles, ExitRecord } from './layout.js';

export interface SupervisorOptions {
  runc: string;
  runcRoot: string;
  id: string;
  files: ContainerFiles;
  logPath: string;
  logMaxBytes: number;
  logMaxFiles: number;
  /** memory.oom_control (v1) or memory.events (v2) of the container's cgroup. */
  oomCounterFile: string;
}

/** The last error runc logged, which is why the process never ran (runc logs nothing on an ordinary exit). */
export function startErrorFrom(runcLog: string): string | undefined {
  let message: string | undefined;
  for (const line of runcLog.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if (entry.level === 'error' && entry.msg) message = entry.msg;
    } catch { /* a partial or foreign line */ }
  }
  return message;
}

async function runcCreatedAt(options: SupervisorOptions): Promise<string | undefined> {
  const state = await runCommand(options.runc, ['--root', options.runcRoot, 'state', options.id]);
  if (state.code !== 0) return undefined;
  return (JSON.parse(state.stdout) as { created?: string }).created;
}

export async function supervise(options: SupervisorOptions): Promise<void> {
  const { files } = options;
  const launchedAt = new Date().toISOString();
  const log = new CriLogWriter(options.logPath, { maxBytes: options.logMaxBytes, maxFiles: options.logMaxFiles });
  const child = spawn(options.runc, [
    '--root', options.runcRoot, '--log', files.runcLog, '--log-format', 'json',
    'run', '--keep', '--bundle', files.dir, options.id,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => log.write('stdout', chunk));
  child.stderr.on('data', (chunk: Buffer) => log.write('stderr', chunk));
  // 'close' comes after both pipes ended, so every line is in the log before the exit is recorded.
  const exitCode = await new Promise<number>((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('close', (code) => resolve(code ?? -1));
  });
  log.end('stdout');
  log.end('stderr');
  log.close();
  const record: ExitRecord = {
    exitCode,
    oomKilled: parseOomKills(await readFile(options.oomCounterFile, 'utf8').catch(() => '')) > 0,
    startedAt: (await runcCreatedAt(options)) ?? launchedAt,
    finishedAt: new Date().toISOString(),
  };
  const startError = startErrorFrom(await readFile(files.runcLog, 'utf8').catch(() => ''));
  if (startError !== undefined) record.startError = startError;
  // Rename makes the record appear whole: a reader never sees half a file.
  await writeFile(`${files.exit}.tmp`, JSON.stringify(record));
  await rename(`${files.exit}.tmp`, files.exit);
}
