import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Content digests: only sha256 is accepted, the algorithm every registry and image spec requires. */
const SHA256 = /^sha256:([a-f0-9]{64})$/;

export class DigestMismatchError extends Error {
  constructor(readonly what: string, readonly expected: string, readonly actual: string) {
    super(`digest mismatch for ${what}: expected ${expected}, got ${actual}`);
    this.name = 'DigestMismatchError';
  }
}

/** The hex part of a sha256 digest; throws for anything else (so it is safe to use as a file name). */
export function digestHex(digest: string): string {
  const hex = SHA256.exec(digest)?.[1];
  if (!hex) throw new Error(`unsupported digest "${digest}": only sha256:<64 lowercase hex> is accepted`);
  return hex;
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Throws DigestMismatchError unless `data` hashes to `expected`. */
export function verifyDigest(what: string, data: Buffer, expected: string): void {
  digestHex(expected);
  const actual = sha256Digest(data);
  if (actual !== expected) throw new DigestMismatchError(what, expected, actual);
}

/**
 * A pass-through stream that fails instead of ending when the bytes that went through do not hash to
 * `expected` (or exceed/fall short of `expectedSize` when given), so a consumer that writes to a temp file
 * and renames on success never commits corrupt content.
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;

  constructor(private readonly what: string, private readonly expected: string, private readonly expectedSize?: number) {
    super();
    digestHex(expected);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.expectedSize !== undefined && this.size > this.expectedSize) {
      callback(new Error(`${this.what} is larger than its declared size ${this.expectedSize} bytes`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedSize !== undefined && this.size !== this.expectedSize) {
      callback(new Error(`${this.what} has ${this.size} bytes, its descriptor declares ${this.expectedSize}`));
      return;
    }
    const actual = `sha256:${this.hash.digest('hex')}`;
    callback(actual === this.expected ? null : new DigestMismatchError(this.what, this.expected, actual));
  }
}

/** The OCI chain ID of a layer stack: identical stacks of uncompressed layers share one ID (and one rootfs). */
export function chainId(diffIds: readonly string[]): string {
  if (!diffIds.length) throw new Error('an image needs at least one layer');
  return diffIds.slice(1).reduce((chain, diffId) => sha256Digest(`${chain} ${diffId}`), diffIds[0]);
}
