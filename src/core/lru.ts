/**
 * A map that keeps its most recently used entries up to a total cost (bytes,
 * say), dropping the least recently used ones past it. An entry costing more
 * than the whole budget is not kept.
 */
export class CostLru<K, V> {
  readonly #entries = new Map<K, { value: V; cost: number }>();
  #total = 0;

  constructor(readonly budget: number) {}

  /** The value of `key`, now the most recently used; undefined when not kept. */
  get(key: K): V | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    // A Map iterates in insertion order: re-inserting moves the entry to the young end.
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e.value;
  }

  set(key: K, value: V, cost: number): void {
    this.delete(key);
    if (cost > this.budget) return;
    this.#entries.set(key, { value, cost });
    this.#total += cost;
    for (const [k, old] of this.#entries) {
      if (this.#total <= this.budget) break;
      this.#entries.delete(k);
      this.#total -= old.cost;
    }
  }

  delete(key: K): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#total -= e.cost;
  }

  clear(): void {
    this.#entries.clear();
    this.#total = 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The summed cost of the entries kept. */
  get cost(): number {
    return this.#total;
  }
}
