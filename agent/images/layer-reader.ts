import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';

const LAYER_MEDIA_TYPE = /^application\/vnd\.(?:oci\.image\.layer(?:\.nondistributable)?\.v1\.tar(?:\+gzip)?|docker\.image\.rootfs(?:\.foreign)?\.diff\.tar(?:\.gzip)?)$/;

function isGzip(mediaType: string): boolean {
  if (!LAYER_MEDIA_TYPE.test(mediaType)) throw new Error(`unsupported layer media type "${mediaType}" (supported: tar, tar+gzip)`);
  return /[+.]gzip$/.test(mediaType);
}

/**
 * Reads a stored layer blob once, handing each tar entry to `onEntry` strictly in archive order (the
 * next entry is not read before the previous one's promise settles), and returns the sha256 of the
 * uncompressed stream (the layer's diff_id). `onEntry` must consume or resume the entry.
 */
export async function readLayer(layerPath: string, mediaType: string, onEntry: (entry: ReadEntry) => Promise<void>): Promise<string> {
  const gzip = isGzip(mediaType);
  const hash = createHash('sha256');
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  // strict: a truncated or corrupt archive fails the layer instead of producing a partial rootfs.
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      chain = chain.then(() => (failure ? entry.resume() : onEntry(entry))).then(undefined, (err: unknown) => {
        failure ??= err;
        entry.resume();
      });
    },
  });
  let parserError: unknown;
  parser.on('error', (err: unknown) => { parserError ??= err; });
  const parsed = once(parser, 'end');
  const feed = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      hash.update(chunk);
      if (!parser.write(chunk)) await once(parser, 'drain');
    }
    parser.end();
  };
  if (gzip) await pipeline(createReadStream(layerPath), createGunzip(), feed);
  else await pipeline(createReadStream(layerPath), feed);
  await parsed;
  await chain;
  if (failure ?? parserError) throw failure ?? parserError;
  return `sha256:${hash.digest('hex')}`;
}
