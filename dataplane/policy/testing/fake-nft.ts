/** An NftRunner that records scripts instead of running them, and fails on demand. */
import type { NftRunner } from '../nft.js';

export class FakeNft implements NftRunner {
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
