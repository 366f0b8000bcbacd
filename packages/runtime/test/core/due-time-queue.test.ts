import { describe, expect, it } from "vitest";
import { DueTimeQueue } from "../../src/core/due-time-queue.js";

describe("DueTimeQueue", () => {
  it("pops by due time, and FIFO among equal due times", () => {
    const queue = new DueTimeQueue<{ dueTimeMs: number; name: string }>();
    for (const [dueTimeMs, name] of [
      [30, "c"],
      [10, "a1"],
      [20, "b"],
      [10, "a2"],
      [10, "a3"],
    ] as const) {
      queue.push({ dueTimeMs, name });
    }
    const order: string[] = [];
    for (let item = queue.pop(); item !== undefined; item = queue.pop()) order.push(item.name);
    expect(order).toEqual(["a1", "a2", "a3", "b", "c"]);
  });

  it("matches a sorted reference on 5,000 random pushes and pops", () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const queue = new DueTimeQueue<{ dueTimeMs: number; id: number }>();
    const reference: { dueTimeMs: number; id: number }[] = [];
    for (let id = 0; id < 5_000; id++) {
      if (random() < 0.6 || reference.length === 0) {
        const item = { dueTimeMs: Math.floor(random() * 100), id };
        queue.push(item);
        reference.push(item);
        reference.sort((a, b) => a.dueTimeMs - b.dueTimeMs || a.id - b.id);
      } else {
        expect(queue.pop()).toBe(reference.shift());
      }
    }
    expect(queue.size).toBe(reference.length);
  });
});
