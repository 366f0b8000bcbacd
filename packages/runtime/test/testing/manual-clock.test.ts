import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/testing/index.js";

describe("ManualClock", () => {
  it("starts at the given date and only moves when told", async () => {
    const clock = new ManualClock(new Date("2026-03-29T00:00:00Z"));
    expect(clock.now()).toBe(Date.parse("2026-03-29T00:00:00Z"));
    await clock.advance(1_500);
    expect(clock.now()).toBe(Date.parse("2026-03-29T00:00:01.500Z"));
    await clock.set(new Date("2026-03-30T00:00:00Z"));
    expect(clock.now()).toBe(Date.parse("2026-03-30T00:00:00Z"));
  });

  it("fires timers in due order with now() at each timer's time, including timers set by timers", async () => {
    const clock = new ManualClock(new Date(0));
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push(`c@${clock.now()}`));
    clock.setTimer(100, () => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(200, () => fired.push(`b@${clock.now()}`));
    });
    clock.setTimer(100, () => fired.push(`a2@${clock.now()}`));
    await clock.advance(1_000);
    expect(fired).toEqual(["a@100", "a2@100", "b@200", "c@300"]);
    expect(clock.now()).toBe(1_000);
  });

  it("does not fire cancelled timers or timers beyond the target", async () => {
    const clock = new ManualClock(new Date(0));
    const fired: number[] = [];
    clock.setTimer(10, () => fired.push(10)).cancel();
    clock.setTimer(20, () => fired.push(20));
    clock.setTimer(2_000, () => fired.push(2_000));
    await clock.advance(1_000);
    expect(fired).toEqual([20]);
    expect(clock.pendingTimerCount).toBe(1);
  });

  it("awaits registered settle hooks after each timer", async () => {
    const clock = new ManualClock(new Date(0));
    const log: string[] = [];
    clock.registerSettleHook(async () => {
      await Promise.resolve();
      log.push(`settled@${clock.now()}`);
    });
    clock.setTimer(5, () => log.push("timer@5"));
    await clock.advance(10);
    expect(log).toEqual(["settled@0", "timer@5", "settled@5", "settled@10"]);
  });

  it("jump moves time first, then fires the timers that came due, late", async () => {
    const clock = new ManualClock(new Date(0));
    const seen: number[] = [];
    clock.setTimer(100, () => seen.push(clock.now()));
    await clock.jump(5_000);
    expect(seen).toEqual([5_000]);
  });

  it("rejects moving backwards or by a bad amount, saying why", async () => {
    const clock = new ManualClock(new Date(1_000));
    await expect(clock.set(new Date(0))).rejects.toThrow(/before now.*only moves forward/);
    await expect(clock.advance(-1)).rejects.toThrow(/0 or more/);
    await expect(clock.advance(Number.NaN)).rejects.toThrow(/finite/);
    expect(() => new ManualClock(new Date("x"))).toThrow(/valid Date/);
  });
});
