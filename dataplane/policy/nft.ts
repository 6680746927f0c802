/** How the policy agent reaches the kernel: one nftables transaction at a time, in a chosen host namespace. */
import { execFile } from 'node:child_process';

export interface NftRunner {
  /** Applies `script` as one `nft -f -` transaction: all of it or, on error (rejected with nft's message), none. */
  apply(script: string): Promise<void>;
}

/** Runs `nft` in the network namespace `/run/netns/<netns>`, or in the process's own when `netns` is undefined. */
export function nftRunner(netns?: string): NftRunner {
  const [command, args] = netns ? ['ip', ['netns', 'exec', netns, 'nft', '-f', '-']] : ['nft', ['-f', '-']];
  return {
    apply: (script) => new Promise<void>((resolve, reject) => {
      const child = execFile(command, args, (err, _stdout, stderr) => {
        if (err) reject(new Error(`nft -f -${netns ? ` (netns ${netns})` : ''}: ${stderr.trim() || err.message}`));
        else resolve();
      });
      child.stdin!.end(script);
    }),
  };
}
