/**
 * The first `k` items offered, in the order `comesFirst` defines — without sorting them all: a
 * bounded heap keeps the `k` best seen so far, so a pass over n items costs O(n log k) time and
 * O(k) memory, and O(n) when the items arrive in order (each is rejected at the heap's root). This
 * is how a store lists a bounded page out of a million entries.
 *
 * @example
 * ```ts
 * const smallest = new FirstK<number>(2, (a, b) => a < b);
 * for (const n of [5, 1, 4, 2, 3]) smallest.offer(n);
 * smallest.sorted(); // [1, 2]
 * ```
 */
export class FirstK<T> {
  /** A heap whose root is the kept item that comes last: the one a better item replaces. */
  private readonly heap: T[] = [];

  constructor(
    private readonly k: number,
    private readonly comesFirst: (a: T, b: T) => boolean,
  ) {}

  /**
   * Offers an item; `false` when it is not among the first `k` so far (so, for items offered in
   * order, none after it will be either).
   */
  offer(item: T): boolean {
    const heap = this.heap;
    const comesFirst = this.comesFirst;
    if (heap.length < this.k) {
      let index = heap.length;
      heap.push(item);
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (!comesFirst(heap[parent]!, item)) break;
        heap[index] = heap[parent]!;
        index = parent;
      }
      heap[index] = item;
      return true;
    }
    if (heap.length === 0 || !comesFirst(item, heap[0]!)) return false;
    let index = 0;
    const length = heap.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && comesFirst(heap[left]!, heap[right]!) ? right : left;
      if (!comesFirst(item, heap[child]!)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = item;
    return true;
  }

  /** The kept items, first first. */
  sorted(): T[] {
    const comesFirst = this.comesFirst;
    return this.heap.slice().sort((a, b) => (comesFirst(a, b) ? -1 : comesFirst(b, a) ? 1 : 0));
  }
}
