import { ApiError, Reason } from '../../../api/errors.js';
import type { Lease } from '../../../api/types/apps.js';
import type { LeaseStore } from '../leader-election.js';

/** An in-memory LeaseStore with the registry's compare-and-swap on resourceVersion; `down` makes every call fail like an unreachable API. */
export class FakeLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, Lease>();
  private revision = 0;
  down = false;
  writes = 0;

  private key(name: string, namespace?: string): string {
    return `${namespace ?? ''}/${name}`;
  }

  private check(): void {
    if (this.down) throw new ApiError(503, Reason.ServiceUnavailable, 'the API is down');
  }

  peek(name: string, namespace?: string): Lease | undefined {
    const lease = this.leases.get(this.key(name, namespace));
    return lease && structuredClone(lease);
  }

  async get(name: string, namespace?: string): Promise<Lease> {
    this.check();
    const lease = this.peek(name, namespace);
    if (!lease) throw new ApiError(404, Reason.NotFound, `leases "${name}" not found`);
    return lease;
  }

  async create(lease: Lease): Promise<Lease> {
    this.check();
    const key = this.key(lease.metadata.name!, lease.metadata.namespace);
    if (this.leases.has(key)) throw new ApiError(409, Reason.AlreadyExists, `leases "${lease.metadata.name}" already exists`);
    return this.store(key, lease);
  }

  async update(lease: Lease): Promise<Lease> {
    this.check();
    const key = this.key(lease.metadata.name!, lease.metadata.namespace);
    const current = this.leases.get(key);
    if (!current) throw new ApiError(404, Reason.NotFound, `leases "${lease.metadata.name}" not found`);
    if (current.metadata.resourceVersion !== lease.metadata.resourceVersion) throw new ApiError(409, Reason.Conflict, 'the object has been modified');
    return this.store(key, lease);
  }

  private store(key: string, lease: Lease): Lease {
    const stored = structuredClone({ ...lease, metadata: { ...lease.metadata, resourceVersion: String(++this.revision) } });
    this.leases.set(key, stored);
    this.writes++;
    return structuredClone(stored);
  }
}
