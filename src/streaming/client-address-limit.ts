/**
 * Open streams per client address, against `maxClientsPerAddress`. An address is
 * tracked only while it has streams open, so the map cannot grow with the
 * number of addresses ever seen.
 */
export class ClientAddressLimit {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerAddress: number) {}

  /** Counts one more stream for `address`; false (nothing counted) when it is at the cap. */
  acquire(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.maxPerAddress) return false;
    this.open.set(address, count + 1);
    return true;
  }

  /** Forgets one stream of `address`. */
  release(address: string): void {
    const count = this.open.get(address);
    if (count === undefined) return;
    if (count <= 1) this.open.delete(address);
    else this.open.set(address, count - 1);
  }
}
