/**
 * The system clock under wall-clock steps (issue 9, defect 9): waits are measured on the monotonic
 * clock, so stepping the wall clock back does not hold back what is due, and stepping it forward
 * brings due work forward within SYSTEM_CLOCK_RECHECK_MS.
 */
import { describe, expect, it } from "vitest";
import { SYSTEM_CLOCK_RECHECK_MS, SystemClock } from "../../src/index.js";
import { SteppingTimeSource } from "../support/stepping-time-source.js";

const HOUR = 3_600_000;
const start = new Date("2026-06-01T12:00:00Z");

describe("SystemClock", () => {
  it("now() follows the wall clock and never runs backwards: after a step back it keeps advancing from where it was", () => {
    const time = new SteppingTimeSource(start);
    const clock = new SystemClock(time);
    expect(clock.now()).toBe(start.getTime());
    time.advance(1_000);
    expect(clock.now()).toBe(start.getTime() + 1_000);
    time.stepWall(-HOUR);
    expect(clock.now()).toBe(start.getTime() + 1_000);
    time.advance(500);
    expect(clock.now()).toBe(start.getTime() + 1_500);
    time.stepWall(2 * HOUR); // forward past where the scheduler was: followed
    expect(clock.now()).toBe(start.getTime() + 1_500 + HOUR);
  });

  it("a timer due in 5 s fires after 5 s of real time although the wall clock stepped back an hour meanwhile", () => {
    const time = new SteppingTimeSource(start);
    const clock = new SystemClock(time);
    const fired: number[] = [];
    clock.setTimer(clock.now() + 5_000, () => fired.push(clock.now()));
    time.advance(2_000);
    time.stepWall(-HOUR);
    time.advance(2_999);
    expect(fired).toEqual([]);
    time.advance(1);
    expect(fired).toEqual([start.getTime() + 5_000]);
    expect(time.pendingCount).toBe(0);
  });

  it("a timer due in an hour fires within one recheck interval after the wall clock steps forward past it", () => {
    const time = new SteppingTimeSource(start);
    const clock = new SystemClock(time);
    let fired = false;
    clock.setTimer(clock.now() + HOUR, () => (fired = true));
    time.advance(10);
    time.stepWall(HOUR);
    time.advance(SYSTEM_CLOCK_RECHECK_MS);
    expect(fired).toBe(true);
  });

  it("a cancelled timer never fires and leaves no timeout behind", () => {
    const time = new SteppingTimeSource(start);
    const clock = new SystemClock(time);
    let fired = false;
    const timer = clock.setTimer(clock.now() + 10 * SYSTEM_CLOCK_RECHECK_MS, () => (fired = true));
    time.advance(3 * SYSTEM_CLOCK_RECHECK_MS);
    timer.cancel();
    time.advance(20 * SYSTEM_CLOCK_RECHECK_MS);
    expect(fired).toBe(false);
    expect(time.pendingCount).toBe(0);
  });
});
