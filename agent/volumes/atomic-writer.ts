/**
 * The kubelet's atomic writer (pkg/volume/util/atomic_writer.go): a volume's files live in a hidden
 * `..<timestamp>` directory, `..data` links to it, and each top-level entry is a link through `..data`. An
 * update writes a new hidden directory and swaps `..data` with one rename, so a reader sees the old set of
 * files or the new one, never a mix. A subPath mount binds a file of one generation and so keeps it.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface FileContent {
  data: Buffer;
  /** Permission bits (0644 unless the volume says otherwise). */
  mode: number;
}

/** Relative path inside the volume → content. */
export type Payload = Map<string, FileContent>;

const DATA_LINK = '..data';

export function payloadDigest(payload: Payload): string {
  const h = createHash('sha256');
  for (const [path, f] of [...payload].sort(([a], [b]) => a.localeCompare(b))) h.update(`${path}\0${f.mode}\0${f.data.length}\0`).update(f.data);
  return h.digest('hex');
}

export class AtomicWriter {
  /** Per volume directory, the digest last written: unchanged payloads cost no disk I/O. */
  private readonly written = new Map<string, string>();

  /** Makes `dir` hold exactly `payload`; returns whether anything was written. `dir` must exist. */
  async write(dir: string, payload: Payload): Promise<boolean> {
    const digest = payloadDigest(payload);
    if (this.written.get(dir) === digest) return false;
    const old = await readlink(join(dir, DATA_LINK)).catch(() => undefined);
    const generation = await mkdtemp(join(dir, `..${new Date().toISOString().replace(/[:.]/g, '_')}.`));
    await chmod(generation, 0o755); // mkdtemp makes it 0700: containers running as non-root users could not read the files
    for (const [path, f] of payload) {
      const file = join(generation, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, f.data);
      await chmod(file, f.mode);
    }
    const tmpLink = join(dir, `${DATA_LINK}_tmp`);
    await rm(tmpLink, { force: true });
    await symlink(generation.slice(dir.length + 1), tmpLink);
    await rename(tmpLink, join(dir, DATA_LINK));
    const top = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
    for (const entry of await readdir(dir)) {
      if (entry.startsWith('..') || top.has(entry)) continue;
      await rm(join(dir, entry), { recursive: true, force: true }); // a key no longer in the payload
    }
    for (const name of top) {
      await symlink(join(DATA_LINK, name), join(dir, name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    if (old) await rm(join(dir, old), { recursive: true, force: true });
    this.written.set(dir, digest);
    return true;
  }

  /** Forgets a removed volume directory. */
  forget(dirPrefix: string): void {
    for (const dir of this.written.keys()) if (dir.startsWith(dirPrefix)) this.written.delete(dir);
  }
}
