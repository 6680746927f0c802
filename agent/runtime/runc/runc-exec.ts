/** `runc exec`: a command inside a running container, with the container's env, user and cgroup. */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { constants } from 'node:os';
import type { ExecResult } from '../runtime.js';

/** Output kept per stream; the rest is dropped (probe output is only ever shown truncated). */
export const EXEC_OUTPUT_LIMIT = 1024 * 1024;

export interface RuncExecRequest {
  runc: string;
  runcRoot: string;
  id: string;
  args: string[];
  /** Where runc writes the exec'd process's host pid, so a timeout can kill it rather than just runc. */
  pidFile: string;
  timeoutMs: number;
}

function collector(): { add(chunk: Buffer): void; text(): string } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(chunk) {
      if (size >= EXEC_OUTPUT_LIMIT) return;
      chunks.push(chunk.subarray(0, EXEC_OUTPUT_LIMIT - size));
      size += chunk.length;
    },
    text: () => Buffer.concat(chunks).toString(),
  };
}

export async function runcExec(request: RuncExecRequest): Promise<ExecResult> {
  const child = spawn(request.runc, ['--root', request.runcRoot, 'exec', '--pid-file', request.pidFile, request.id, ...request.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = collector();
  const stderr = collector();
  child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // Killing runc alone would leave the command running inside the container; kill the command itself.
    void readFile(request.pidFile, 'utf8')
      .then((pid) => process.kill(Number(pid), 'SIGKILL'))
      .catch(() => child.kill('SIGKILL'));
  }, request.timeoutMs);
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
    return { exitCode, stdout: stdout.text(), stderr: stderr.text(), timedOut };
  } finally {
    clearTimeout(timer);
    await rm(request.pidFile, { force: true });
  }
}
