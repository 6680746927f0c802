/**
 * An exclusive lock across processes on a file, held with flock(2) through util-linux `flock(1)`.
 *
 * Why flock rather than a lock directory (proper-lockfile): the kernel ties a flock to the open file, so a
 * plugin that crashes or is SIGKILLed mid-allocation releases it at once; there is no staleness timeout to
 * guess, no window where two processes both think an old lock is stale, and waiters queue in the kernel
 * instead of polling. Node has no flock binding, so `flock(1)` locks a descriptor this process opened and
 * passed as the child's fd 3: the lock belongs to the shared open file description and outlives the child,
 * until this process closes the file (or dies). Node opens files close-on-exec, so no other child inherits it.
 */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { CniError, ErrorCode } from './spec.js';

/** Exit code `flock` reports when the wait times out (distinct from its own failures). */
const CONFLICT_EXIT = 75;

export type Unlock = () => Promise<void>;

/**
 * Waits up to `timeoutSeconds` for the lock on `path` (created if missing). Timing out is a code-11
 * "try again later" error, which tells the runtime to retry rather than give up.
 */
export async function lockFile(path: string, timeoutSeconds: number): Promise<Unlock> {
  const handle = await open(path, 'a');
  try {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('flock', ['--exclusive', '--wait', String(timeoutSeconds), '--conflict-exit-code', String(CONFLICT_EXIT), '3'],
        { stdio: ['ignore', 'ignore', 'pipe', handle.fd] });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stderr }));
    });
    if (code === CONFLICT_EXIT) {
      throw new CniError(ErrorCode.TryAgainLater, `timed out after ${timeoutSeconds}s waiting for lock ${path}`, 'another plugin invocation holds it; retry');
    }
    if (code !== 0) throw new CniError(ErrorCode.IoFailure, `cannot lock ${path}`, stderr.trim() || `flock exit code ${code}`);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return () => handle.close();
}
