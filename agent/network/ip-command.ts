/** `ip` in a given network namespace (`ip -n`), with optional stdin for `-batch -`; a failure carries ip's stderr. */
import { execFile } from 'node:child_process';

export function runIp(netns: string | undefined, args: string[], input?: string): Promise<string> {
  const full = netns ? ['-n', netns, ...args] : args;
  return new Promise((resolve, reject) => {
    const child = execFile('ip', full, { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ip ${full.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    // ip may exit before reading all of its input; its exit status reports the failure, not the broken pipe.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}
