/** Applies rulesets to one node's `table inet cairn-policy`, remembering what the kernel holds between syncs. */
import type { NftApplier } from '../nft-runner.js';
import { renderFull, renderUpdate } from './render.js';
import type { Ruleset } from './ruleset.js';

export class PolicySyncer {
  /** What the kernel holds after the last successful transaction; undefined before the first or after a failure. */
  private applied: Ruleset | undefined;

  constructor(private readonly nft: NftApplier) {}

  /**
   * Makes the table match `next` in one transaction: only the differences once the table is known, the whole table
   * otherwise (which also clears what an earlier agent left). A failed transaction changes nothing in the kernel,
   * but the next sync rebuilds the table rather than trust the bookkeeping. Returns the statements applied.
   */
  async sync(next: Ruleset): Promise<string[]> {
    const lines = this.applied ? renderUpdate(this.applied, next) : renderFull(next);
    if (lines.length === 0) return lines;
    this.applied = undefined;
    await this.nft.apply(`${lines.join('\n')}\n`);
    this.applied = next;
    return lines;
  }
}
