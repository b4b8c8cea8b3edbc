/**
 * The last `capacity` items in arrival order, in a fixed array: pushing never allocates, and the
 * oldest item is overwritten when full. Holds recent stream events for resuming clients.
 */
export class ReplayRingBuffer<T extends { id: string }> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(Math.max(0, capacity));
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.capacity === 0) return;
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count += 1;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    const start = (this.next - this.count + this.capacity) % Math.max(1, this.capacity);
    for (let i = 0; i < this.count; i++) out.push(this.items[(start + i) % this.capacity]!);
    return out;
  }

  /**
   * The items that arrived after the one with this id, oldest first; null when that id is not
   * held (evicted, or never seen by this process), so the caller decides what a gap means.
   */
  after(id: string): T[] | null {
    const all = this.toArray();
    // Newest first: a resuming client is usually only a few events behind.
    for (let i = all.length - 1; i >= 0; i--) {
      if (all[i].id === id) return all.slice(i + 1);
    }
    return null;
  }
}
