/**
 * @module The first entries of a long list in a sort order, and how many there were, without holding or
 * sorting them all: what a bounded report keeps of a list that grows with the estate.
 */

export class FirstEntries<T> {
  private readonly first: { item: T; key: string }[] = [];
  /** How many entries were added. */
  count = 0;

  /**
   * @param limit - how many entries to keep.
   * @param keyOf - the sort key; entries are kept in the order a stable sort by `localeCompare` of the keys gives.
   */
  constructor(
    private readonly limit: number,
    private readonly keyOf: (item: T) => string,
  ) {}

  add(item: T): void {
    this.count++;
    const key = this.keyOf(item);
    const last = this.first.at(-1);
    // Most entries of a long list fall after the last one kept: one comparison.
    if (this.first.length === this.limit && (last === undefined || key.localeCompare(last.key) >= 0)) return;
    const at = this.first.findIndex((f) => key.localeCompare(f.key) < 0);
    this.first.splice(at < 0 ? this.first.length : at, 0, { item, key });
    if (this.first.length > this.limit) this.first.pop();
  }

  /** The first entries, in order. */
  items(): T[] {
    return this.first.map((f) => f.item);
  }
}
