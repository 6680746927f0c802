/**
 * The invoker's record of each attachment's ADD (the config it used and the result it got), like libcni's
 * /var/lib/cni/results: CHECK and DEL must hand plugins the previous result, and GC must know which
 * attachments exist, across agent restarts.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetworkConfigList } from './conflist.js';
import type { CniResult } from './spec.js';

export const DEFAULT_CACHE_DIR = '/var/lib/cni/results';
const KIND = 'cairnCniCacheV1';

export interface CachedAttachment {
  kind: typeof KIND;
  networkName: string;
  containerId: string;
  ifName: string;
  config: NetworkConfigList;
  result: CniResult;
}

export class ResultCache {
  constructor(private readonly dir: string) {}

  private file(networkName: string, containerId: string, ifName: string): string {
    return join(this.dir, `${networkName}-${containerId}-${ifName}`);
  }

  async put(entry: Omit<CachedAttachment, 'kind'>): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = this.file(entry.networkName, entry.containerId, entry.ifName);
    await writeFile(`${path}.tmp`, JSON.stringify({ kind: KIND, ...entry }));
    await rename(`${path}.tmp`, path);
  }

  /** Every recorded attachment; unreadable or foreign files are skipped. */
  async list(): Promise<CachedAttachment[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const entries = await Promise.all(names.filter((n) => !n.endsWith('.tmp')).map(async (name) => {
      const entry = await readFile(join(this.dir, name), 'utf8').then((t) => JSON.parse(t) as CachedAttachment, () => undefined);
      return entry?.kind === KIND ? entry : undefined;
    }));
    return entries.filter((e): e is CachedAttachment => e !== undefined);
  }

  /** The attachment's record in any network (the config may have been renamed since its ADD). */
  async find(containerId: string, ifName: string): Promise<CachedAttachment | undefined> {
    return (await this.list()).find((e) => e.containerId === containerId && e.ifName === ifName);
  }

  async remove(entry: Pick<CachedAttachment, 'networkName' | 'containerId' | 'ifName'>): Promise<void> {
    await rm(this.file(entry.networkName, entry.containerId, entry.ifName), { force: true });
  }
}
