/**
 * host-local's on-disk state, in the reference plugin's layout so its tools and habits carry over: in
 * `<dataDir>/<network>/`, one file per reserved address named by the address and holding
 * `<containerID>\r\n<ifname>`, plus `last_reserved_ip.0` and the `lock` file. Callers hold the lock.
 */
import { mkdir, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatIpv4, parseIpv4 } from '../../../api/ipv4.js';
import { CniError, ErrorCode } from '../spec.js';

export interface Reservation {
  address: number;
  containerId: string;
  ifName: string;
}

const LAST_RESERVED = 'last_reserved_ip.0';
const LINE_BREAK = '\r\n';
export const LOCK_FILE = 'lock';

function ioFailure(action: string, err: unknown): CniError {
  return new CniError(ErrorCode.IoFailure, `host-local IPAM: cannot ${action}`, (err as Error).message);
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

export class HostLocalStore {
  constructor(readonly dir: string) {}

  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true }).catch((err) => { throw ioFailure(`create ${this.dir}`, err); });
  }

  /** Every reservation; an absent directory has none. */
  async reservations(): Promise<Reservation[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (isMissing(err)) return [];
      throw ioFailure(`list ${this.dir}`, err);
    }
    const result: Reservation[] = [];
    for (const name of names) {
      const address = parseIpv4(name);
      if (address === undefined) continue;
      const text = await readFile(join(this.dir, name), 'utf8').catch((err) => {
        if (isMissing(err)) return undefined;
        throw ioFailure(`read ${name}`, err);
      });
      if (text === undefined) continue;
      const [containerId = '', ifName = ''] = text.split(LINE_BREAK);
      result.push({ address, containerId: containerId.trim(), ifName: ifName.trim() });
    }
    return result;
  }

  /** Writes the reservation; `wx` makes a double booking an error even if a caller forgot the lock. */
  async reserve(r: Reservation): Promise<void> {
    try {
      await writeFile(join(this.dir, formatIpv4(r.address)), `${r.containerId}${LINE_BREAK}${r.ifName}`, { flag: 'wx' });
      await writeFile(join(this.dir, LAST_RESERVED), formatIpv4(r.address));
    } catch (err) {
      throw ioFailure(`reserve ${formatIpv4(r.address)}`, err);
    }
  }

  /** Removing an absent reservation succeeds (DEL is idempotent). */
  async release(address: number): Promise<void> {
    await unlink(join(this.dir, formatIpv4(address))).catch((err) => {
      if (!isMissing(err)) throw ioFailure(`release ${formatIpv4(address)}`, err);
    });
  }

  async lastReserved(): Promise<number | undefined> {
    const text = await readFile(join(this.dir, LAST_RESERVED), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : parseIpv4(text.trim());
  }
}
