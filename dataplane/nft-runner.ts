/**
 * nft in a node's host namespace, for every dataplane component that owns an nftables table. Injected into
 * their syncers so their logic is testable without a kernel.
 */
import { spawn } from 'node:child_process';

export interface NftApplier {
  /** Applies a script as one atomic transaction (`nft -f -`); rejects with nft's error and changes nothing on failure. */
  apply(script: string): Promise<void>;
}

export interface NftRunner extends NftApplier {
  /** Runs one nft command with JSON output (`nft -j <args>`) and returns the parsed document. */
  json(args: string[]): Promise<unknown>;
}

function run(netns: string | undefined, args: string[], input?: string): Promise<string> {
  const [cmd, argv] = netns ? ['ip', ['netns', 'exec', netns, 'nft', ...args]] : ['nft', args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    // nft stops reading when it rejects a script early; its exit status reports why.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString());
      else reject(new Error(`nft ${args.join(' ')}${netns ? ` (netns ${netns})` : ''} exited ${code}: ${Buffer.concat(err).toString().trim().slice(0, 2000)}`));
    });
    child.stdin.end(input ?? '');
  });
}

/** The real runner; `netns` is a name under /run/netns, undefined for the process's own namespace. */
export function nftRunner(netns?: string): NftRunner {
  return {
    async apply(script) { await run(netns, ['-f', '-'], script); },
    async json(args) { return JSON.parse(await run(netns, ['-j', ...args])) as unknown; },
  };
}
