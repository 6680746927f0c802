/**
 * Shares "what is etcd's current revision?" round trips among concurrent readers. A caller joins the next
 * probe to start, never one already in flight, so the answer covers every write acknowledged before the call.
 */
export class RevisionProbe {
  private inFlight: Promise<number> | undefined;
  private next: Promise<number> | undefined;

  constructor(private readonly fetch: () => Promise<number>) {}

  latest(): Promise<number> {
    if (!this.inFlight) {
      this.inFlight = this.fetch().finally(() => { this.inFlight = undefined; });
      return this.inFlight;
    }
    if (!this.next) {
      this.next = this.inFlight.catch(() => 0).then(() => {
        this.next = undefined;
        return this.latest();
      });
    }
    return this.next;
  }
}
