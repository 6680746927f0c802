/**
 * host-local IPAM: addresses from one range, reservations on disk, every operation under an exclusive
 * flock on the network's state directory, so concurrent plugin processes never hand out one address twice.
 */
import { join } from 'node:path';
import { formatIpv4 } from '../../../api/ipv4.js';
import { type Unlock, lockFile } from '../file-lock.js';
import type { HostLocalConf } from '../net-conf.js';
import { type Attachment, CniError, ErrorCode } from '../spec.js';
import { HostLocalStore, LOCK_FILE, type Reservation } from './host-local-store.js';
import { nextFreeAddress } from './range-allocator.js';

export interface Allocation {
  address: number;
  /** True when the attachment already held this address (a repeated ADD). */
  existing: boolean;
}

const belongsTo = (containerId: string, ifName: string) => (r: Reservation) =>
  r.containerId === containerId && r.ifName === ifName;

export class HostLocalIpam {
  private readonly store: HostLocalStore;

  constructor(private readonly conf: HostLocalConf, private readonly lockTimeoutSeconds = 30) {
    this.store = new HostLocalStore(conf.stateDir);
  }

  /** Runs `fn` holding the network's lock; when `create` is false and no state exists, runs it unlocked. */
  private async locked<T>(create: boolean, fn: () => Promise<T>): Promise<T> {
    if (create) await this.store.ensureDir();
    let unlock: Unlock;
    try {
      unlock = await lockFile(join(this.conf.stateDir, LOCK_FILE), this.lockTimeoutSeconds);
    } catch (err) {
      // No directory means nothing was ever reserved: nothing to release or find.
      if (!create && (err as NodeJS.ErrnoException).code === 'ENOENT') return fn();
      throw err;
    }
    try {
      return await fn();
    } finally {
      await unlock();
    }
  }

  /** The attachment's address: the one it already holds, else the next free one (code 101 when none). */
  allocate(containerId: string, ifName: string): Promise<Allocation> {
    return this.locked(true, async () => {
      const reservations = await this.store.reservations();
      const held = reservations.find(belongsTo(containerId, ifName));
      if (held) return { address: held.address, existing: true };
      const { rangeStart, rangeEnd, gateway } = this.conf;
      const address = nextFreeAddress({ start: rangeStart, end: rangeEnd, exclude: [gateway] },
        new Set(reservations.map((r) => r.address)), await this.store.lastReserved());
      if (address === undefined) {
        throw new CniError(ErrorCode.AddressesExhausted, 'no free address',
          `every address in ${formatIpv4(rangeStart)}-${formatIpv4(rangeEnd)} is reserved; delete unused pods or widen the range`);
      }
      await this.store.reserve({ address, containerId, ifName });
      return { address, existing: false };
    });
  }

  /** The attachment's address, if it holds one. */
  lookup(containerId: string, ifName: string): Promise<number | undefined> {
    return this.locked(false, async () => (await this.store.reservations()).find(belongsTo(containerId, ifName))?.address);
  }

  /** Releases the attachment's addresses; releasing nothing succeeds. Returns what was released. */
  release(containerId: string, ifName: string): Promise<number[]> {
    return this.locked(false, async () => {
      const held = (await this.store.reservations()).filter(belongsTo(containerId, ifName));
      for (const r of held) await this.store.release(r.address);
      return held.map((r) => r.address);
    });
  }

  /** GC: releases every reservation whose attachment is not in `valid`. Returns what was released. */
  releaseAllExcept(valid: readonly Attachment[]): Promise<Reservation[]> {
    const keep = new Set(valid.map((a) => `${a.containerID}\n${a.ifname}`));
    return this.locked(false, async () => {
      const stale = (await this.store.reservations()).filter((r) => !keep.has(`${r.containerId}\n${r.ifName}`));
      for (const r of stale) await this.store.release(r.address);
      return stale;
    });
  }
}
