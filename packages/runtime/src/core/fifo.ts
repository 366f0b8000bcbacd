/** A first-in-first-out queue with O(1) shift (arrays shift in O(n) once large). */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Visits items first to last while `visit` returns `true`; answers whether it visited them all. */
  every(visit: (item: T) => boolean): boolean {
    const items = this.items;
    for (let index = this.head; index < items.length; index++)
      if (!visit(items[index]!)) return false;
    return true;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let index = this.head; index < this.items.length; index++) yield this.items[index]!;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
