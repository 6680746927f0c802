/** An NftApplier that records scripts instead of running them, and fails on demand. */
import type { NftApplier } from '../../nft-runner.js';

export class FakeNft implements NftApplier {
  readonly scripts: string[] = [];
  failNext = false;

  async apply(script: string): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('nft: transaction refused');
    }
    this.scripts.push(script);
  }
}
