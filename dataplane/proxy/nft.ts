/** What the proxy reads back from its table at start (the runner itself is shared: dataplane/nft-runner.ts). */
import type { NftRunner } from '../nft-runner.js';
import { FAMILY, TABLE } from './types.js';
import type { ExistingTable } from './plan.js';

interface NftJsonObject { chain?: { table: string; name: string }; set?: { table: string; name: string } }

/** Names of the chains and sets in our table (empty when it does not exist); rules and elements are not read. */
export async function readExisting(nft: NftRunner): Promise<ExistingTable> {
  const names = async (what: 'chains' | 'sets', pick: (o: NftJsonObject) => { table: string; name: string } | undefined): Promise<Set<string>> => {
    const doc = (await nft.json(['-t', 'list', what, FAMILY])) as { nftables?: NftJsonObject[] };
    return new Set((doc.nftables ?? []).map(pick).filter((o) => o?.table === TABLE).map((o) => o!.name));
  };
  return { chains: await names('chains', (o) => o.chain), sets: await names('sets', (o) => o.set) };
}
