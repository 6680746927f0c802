/** Runs nft in the proxy's host namespace. Injected into the syncer so its logic is testable without a kernel. */
import { spawn } from 'node:child_process';
import { FAMILY, TABLE } from './types.js';
import type { ExistingTable } from './plan.js';

export interface NftRunner {
  /** Applies a script as one atomic transaction (`nft -f -`); rejects with nft's error and changes nothing on failure. */
  apply(script: string): Promise<void>;
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
      else reject(new Error(`nft ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString().trim().slice(0, 2000)}`));
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

interface NftJsonObject { chain?: { table: string; name: string }; set?: { table: string; name: string } }

/** Names of the chains and sets in our table (empty when it does not exist); rules and elements are not read. */
export async function readExisting(nft: NftRunner): Promise<ExistingTable> {
  const names = async (what: 'chains' | 'sets', pick: (o: NftJsonObject) => { table: string; name: string } | undefined): Promise<Set<string>> => {
    const doc = (await nft.json(['-t', 'list', what, FAMILY])) as { nftables?: NftJsonObject[] };
    return new Set((doc.nftables ?? []).map(pick).filter((o) => o?.table === TABLE).map((o) => o!.name));
  };
  return { chains: await names('chains', (o) => o.chain), sets: await names('sets', (o) => o.set) };
}
