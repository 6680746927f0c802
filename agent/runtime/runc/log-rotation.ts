/**
 * Size-based rotation of a container's CRI log, as the kubelet's container log manager does with CRI-O: the
 * live file `log` becomes `log.1` (older ones shift up, the oldest beyond `maxFiles` is dropped) and the
 * writer (conmon) is then asked to reopen `log`. Whoever writes the log keeps writing the renamed file until
 * it reopens, so no line is lost. The log reader (agent/logs) reads `log.N` ... `log.1`, then `log`.
 */
import { renameSync, rmSync } from 'node:fs';

export function rotatedPath(path: string, index: number): string {
  return `${path}.${index}`;
}

/** `maxFiles` counts the live file too (the kubelet's containerLogMaxFiles); at least one rotated file is kept. */
export function rotateLogFiles(path: string, maxFiles: number): void {
  const keep = Math.max(1, maxFiles - 1);
  rmSync(rotatedPath(path, keep), { force: true });
  for (let i = keep - 1; i >= 1; i--) {
    try { renameSync(rotatedPath(path, i), rotatedPath(path, i + 1)); } catch { /* not rotated that far yet */ }
  }
  renameSync(path, rotatedPath(path, 1));
}
