/** What a {@link DueTimeQueue} orders: by `dueTimeMs`, then by insertion sequence. */
export interface DueTimeEntry {
  readonly dueTimeMs: number;
}

/**
 * A binary min-heap keyed by due time, then insertion order (so equal due times run FIFO).
 * Removal is lazy: callers mark entries dead and skip them when they surface, which keeps cancel
 * O(1) among millions of pending entries.
 *
 * @example
 * ```ts
 * const queue = new DueTimeQueue<{ dueTimeMs: number; name: string }>();
 * queue.push({ dueTimeMs: 10, name: "b" });
 * queue.peek()?.name; // "b"
 * ```
 */
export class DueTimeQueue<T extends DueTimeEntry> {
  private readonly items: T[] = [];
  private readonly sequences: number[] = [];
  private nextSequence = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    const sequences = this.sequences;
    const sequence = this.nextSequence++;
    let index = items.length;
    items.push(item);
    sequences.push(sequence);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = items[parent]!;
      if (
        above.dueTimeMs < item.dueTimeMs ||
        (above.dueTimeMs === item.dueTimeMs && sequences[parent]! < sequence)
      )
        break;
      items[index] = above;
      sequences[index] = sequences[parent]!;
      index = parent;
    }
    items[index] = item;
    sequences[index] = sequence;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const items = this.items;
    const sequences = this.sequences;
    const top = items[0];
    if (top === undefined) return undefined;
    const last = items.pop()!;
    const lastSequence = sequences.pop()!;
    const length = items.length;
    if (length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (
        right < length &&
        precedes(items[right]!, sequences[right]!, items[left]!, sequences[left]!)
      )
        child = right;
      if (!precedes(items[child]!, sequences[child]!, last, lastSequence)) break;
      items[index] = items[child]!;
      sequences[index] = sequences[child]!;
      index = child;
    }
    items[index] = last;
    sequences[index] = lastSequence;
    return top;
  }

  /** Every entry, in heap (not due) order. */
  entries(): readonly T[] {
    return this.items;
  }

  clear(): void {
    this.items.length = 0;
    this.sequences.length = 0;
  }
}

function precedes(a: DueTimeEntry, aSequence: number, b: DueTimeEntry, bSequence: number): boolean {
  return a.dueTimeMs < b.dueTimeMs || (a.dueTimeMs === b.dueTimeMs && aSequence < bSequence);
}
