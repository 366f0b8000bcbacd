import { describe, expect, it } from "vitest";
import { FirstK } from "../../src/core/first-k.js";

describe("FirstK", () => {
  it("keeps the first k of any input order, sorted, as a full sort would", () => {
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    for (let round = 0; round < 200; round++) {
      const items = Array.from({ length: Math.floor(random() * 60) }, () =>
        Math.floor(random() * 40),
      );
      const k = Math.floor(random() * 12);
      const first = new FirstK<number>(k, (a, b) => a < b);
      for (const item of items) first.offer(item);
      expect(first.sorted()).toEqual([...items].sort((a, b) => a - b).slice(0, k));
    }
  });

  it("rejects, once full, every item that does not come before the kept ones", () => {
    const first = new FirstK<number>(2, (a, b) => a < b);
    expect([3, 1, 5, 2, 2].map((n) => first.offer(n))).toEqual([true, true, false, true, false]);
    expect(first.sorted()).toEqual([1, 2]);
  });
});
