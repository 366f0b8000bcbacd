import { afterEach, describe, expect, it } from "vitest";
import { createScheduler, type OutcomeInfo, type ScheduleSpec } from "../../src/index.js";
import { ManualClock } from "../../src/testing/index.js";
import { startHarness, stopAllHarnesses, type Harness } from "../support/harness.js";
import { Probe } from "../support/probe.js";
import { testJob, testRegistry } from "../support/test-registry.js";
import { TestVariables } from "../support/test-variables.js";

afterEach(stopAllHarnesses);

const START = new Date("2026-01-01T00:10:00Z");
const HOURLY: ScheduleSpec = { kind: "cron", expression: "0 * * * *", timeZone: "UTC" };
const at = (hhmm: string): number => Date.parse(`2026-01-01T${hhmm}:00Z`);
const hhmm = (date: Date): string => date.toISOString().slice(11, 16);

/** A recurring job as the generator prints it: `schedule` holds what the defaults resolve to. */
const reportJob = (placeholders: Record<string, string>, schedule: ScheduleSpec | null = HOURLY) =>
  testJob("reports.build", { schedule, supportsRuntimeScheduling: false, placeholders });

const ranAt = (harness: Harness): string[] =>
  harness.probe.callsOf("reports.build").map((call) => hhmm(call.context.dueTime));
/** Every recorded slot of the job: one entry per slot, so an extra or a lost run shows. */
const slots = (harness: Harness): string[] =>
  harness
    .outcomesOf("reports.build")
    .map(
      (outcome: OutcomeInfo) =>
        `${hhmm(outcome.dueTime)} ${outcome.status}${outcome.message ? ` ${outcome.message}` : ""}`,
    );
const advanceTo = (harness: Harness, time: string): Promise<void> =>
  harness.clock.advance(at(time) - harness.clock.now());

async function queuedSlots(harness: Harness): Promise<{ runId: string; due: string }[]> {
  const { queuedRuns } = await harness.scheduler.snapshot();
  return queuedRuns
    .filter((run) => run.jobName === "reports.build")
    .map((run) => ({ runId: run.runId, due: hhmm(run.dueTime) }));
}

describe("configuration placeholders: a changed value re-plans the job", () => {
  it("a changed cron supersedes the queued slot: one chain, no extra run, no lost run", async () => {
    const variables = new TestVariables();
    const harness = await startHarness([reportJob({ cron: "${REPORT_CRON:-0 * * * *}" })], {
      start: START,
      variables,
    });
    await advanceTo(harness, "01:20");
    expect(ranAt(harness)).toEqual(["01:00"]);

    variables.set("REPORT_CRON", "*/15 * * * *");
    expect((await queuedSlots(harness)).map((slot) => slot.due)).toEqual(["01:30"]);
    await advanceTo(harness, "02:05");
    // The old chain's 02:00 and the new one's are the same slot: it runs once.
    expect(ranAt(harness)).toEqual(["01:00", "01:30", "01:45", "02:00"]);

    // The queued 02:15 is a slot of the new expression too: it still runs, once.
    variables.set("REPORT_CRON", "15,45 * * * *");
    expect((await queuedSlots(harness)).map((slot) => slot.due)).toEqual(["02:15"]);
    await advanceTo(harness, "03:00");
    expect(slots(harness)).toEqual([
      "01:00 succeeded",
      "01:30 succeeded",
      "01:45 succeeded",
      "02:00 succeeded",
      "02:15 succeeded",
      "02:45 succeeded",
    ]);
    expect(await queuedSlots(harness)).toHaveLength(1);
  });

  it("a change at the instant a slot ran does not run that slot again", async () => {
    const variables = new TestVariables();
    const harness = await startHarness([reportJob({ cron: "${REPORT_CRON:-0 * * * *}" })], {
      start: START,
      variables,
    });
    await advanceTo(harness, "01:00");
    expect(ranAt(harness)).toEqual(["01:00"]);
    variables.set("REPORT_CRON", "0,30 * * * *");
    await advanceTo(harness, "02:00");
    expect(slots(harness)).toEqual(["01:00 succeeded", "01:30 succeeded", "02:00 succeeded"]);
  });

  it("a value that turns invalid keeps the last valid schedule and logs the key and the problem", async () => {
    const variables = new TestVariables({ REPORT_CRON: "0 * * * *" });
    const harness = await startHarness([reportJob({ cron: "${REPORT_CRON}" }, null)], {
      start: START,
      variables,
    });
    await advanceTo(harness, "01:20");
    const [queued] = await queuedSlots(harness);

    variables.set("REPORT_CRON", "0 3 * *");
    const [error] = harness.logger.entries.filter((entry) => entry.level === "error");
    expect(error!.message).toMatch(
      /job "reports\.build" \(test\/jobs\.ts\): option cron is "\$\{REPORT_CRON\}" \(variable REPORT_CRON = "0 3 \* \*"\): Invalid cron expression "0 3 \* \*": it has 4 field\(s\)/,
    );
    expect(error!.message).toMatch(/the job keeps its schedule \(cron "0 \* \* \* \*" in UTC\)/);
    expect(error!.details).toMatchObject({
      jobName: "reports.build",
      option: "cron",
      key: "REPORT_CRON",
      value: "0 3 * *",
    });
    expect(await queuedSlots(harness)).toEqual([queued]);

    variables.set("REPORT_CRON", undefined);
    expect(harness.logger.entries.filter((entry) => entry.level === "error")[1]!.message).toMatch(
      /variable REPORT_CRON is not set and "\$\{REPORT_CRON\}" has no default/,
    );
    await advanceTo(harness, "03:05");
    expect(slots(harness)).toEqual(["01:00 succeeded", "02:00 succeeded", "03:00 succeeded"]);

    variables.set("REPORT_CRON", "30 * * * *");
    await advanceTo(harness, "04:00");
    expect(ranAt(harness)).toEqual(["01:00", "02:00", "03:00", "03:30"]);
  });

  it('cron "-" disables the schedule: no occurrences until a real expression returns', async () => {
    const variables = new TestVariables();
    const harness = await startHarness([reportJob({ cron: "${REPORT_CRON:-0 * * * *}" })], {
      start: START,
      variables,
    });
    await advanceTo(harness, "01:20");
    variables.set("REPORT_CRON", "-");
    expect(await queuedSlots(harness)).toEqual([]);
    expect(
      (await harness.scheduler.snapshot()).jobs.find((job) => job.name === "reports.build"),
    ).toMatchObject({ scheduleKind: null, nextDueTime: null });
    await advanceTo(harness, "04:10");
    expect(slots(harness)).toEqual(["01:00 succeeded"]);

    variables.set("REPORT_CRON", "*/30 * * * *");
    await advanceTo(harness, "05:00");
    expect(slots(harness)).toEqual(["01:00 succeeded", "04:30 succeeded", "05:00 succeeded"]);
  });

  it("enabled turned off records each slot skipped / disabled, and turned on runs again; the queued slot is kept", async () => {
    const variables = new TestVariables();
    const harness = await startHarness([reportJob({ enabled: "${REPORTS_ENABLED:-true}" })], {
      start: START,
      variables,
    });
    await advanceTo(harness, "01:30");
    const queued = await queuedSlots(harness);
    variables.set("REPORTS_ENABLED", "false");
    expect(await queuedSlots(harness)).toEqual(queued);
    await advanceTo(harness, "03:30");
    variables.set("REPORTS_ENABLED", "TRUE");
    await advanceTo(harness, "04:00");
    expect(slots(harness)).toEqual([
      "01:00 succeeded",
      "02:00 skipped disabled",
      "03:00 skipped disabled",
      "04:00 succeeded",
    ]);
    expect(ranAt(harness)).toEqual(["01:00", "04:00"]);
  });

  it("a changed fixed rate carries on from the last slot", async () => {
    const variables = new TestVariables();
    const rate: ScheduleSpec = {
      kind: "fixed-rate",
      intervalMs: 10 * 60_000,
      initialDelayMs: null,
      runOnStart: true,
    };
    const harness = await startHarness([reportJob({ fixedRate: "${REPORT_RATE:-10m}" }, rate)], {
      start: START,
      variables,
    });
    await advanceTo(harness, "00:25");
    expect(ranAt(harness)).toEqual(["00:10", "00:20"]);
    variables.set("REPORT_RATE", "15m");
    await advanceTo(harness, "00:55");
    expect(ranAt(harness)).toEqual(["00:10", "00:20", "00:35", "00:50"]);
    // Shorter than the time since the last slot: the slot is overdue and runs now, once.
    await advanceTo(harness, "01:00");
    variables.set("REPORT_RATE", "60000");
    await advanceTo(harness, "01:01");
    expect(slots(harness)).toEqual([
      "00:10 succeeded",
      "00:20 succeeded",
      "00:35 succeeded",
      "00:50 succeeded",
      "01:00 succeeded",
      "01:01 succeeded",
    ]);
  });

  it("a changed fixed delay measures the new delay from the last completion", async () => {
    const variables = new TestVariables();
    const delay: ScheduleSpec = {
      kind: "fixed-delay",
      delayMs: 60_000,
      initialDelayMs: null,
      runOnStart: true,
    };
    const harness = await startHarness([reportJob({ fixedDelay: "${POLL_DELAY:-1m}" }, delay)], {
      start: START,
      variables,
    });
    await advanceTo(harness, "00:11");
    expect(ranAt(harness)).toEqual(["00:10", "00:11"]);
    variables.set("POLL_DELAY", "5m");
    await advanceTo(harness, "00:21");
    expect(slots(harness)).toEqual([
      "00:10 succeeded",
      "00:11 succeeded",
      "00:16 succeeded",
      "00:21 succeeded",
    ]);
  });

  it("a change to another key, or to an equal value, leaves the queued slot alone", async () => {
    const variables = new TestVariables({ REPORT_CRON: "0 * * * *" });
    const harness = await startHarness(
      [reportJob({ cron: "${REPORT_CRON}", timeZone: "${REPORT_TZ:-UTC}" })],
      { start: START, variables },
    );
    const queued = await queuedSlots(harness);
    variables.set("UNRELATED", "1");
    variables.set("REPORT_CRON", "0 * * * *");
    variables.set("REPORT_TZ", "");
    expect(await queuedSlots(harness)).toEqual(queued);
    variables.set("REPORT_TZ", "Asia/Kolkata");
    expect((await queuedSlots(harness)).map((slot) => slot.due)).toEqual(["00:30"]); // 06:00 in Kolkata (+05:30)
  });
});

describe("configuration placeholders at start", () => {
  it("a variable that is unset and has no default fails start, naming the job, the option and the key", async () => {
    const failing = startHarness([reportJob({ cron: "${REPORT_CRON}" }, null)], {
      start: START,
      variables: new TestVariables(),
    });
    await expect(failing).rejects.toMatchObject({
      code: "ELR106",
      message: expect.stringMatching(
        /job "reports\.build" \(test\/jobs\.ts\): option cron is "\$\{REPORT_CRON\}" \(variable REPORT_CRON\): variable REPORT_CRON is not set/,
      ),
    });
  });

  it("a value the option's parser rejects fails start with the parser's message", async () => {
    const failing = startHarness([reportJob({ timeZone: "${REPORT_TZ}" })], {
      start: START,
      variables: new TestVariables({ REPORT_TZ: "Europe/Viena" }),
    });
    await expect(failing).rejects.toMatchObject({
      code: "ELR106",
      message: expect.stringMatching(
        /option timeZone .*REPORT_TZ = "Europe\/Viena".*Unknown time zone "Europe\/Viena"/,
      ),
    });
  });

  it("a malformed placeholder in the registry fails createScheduler", () => {
    const registry = testRegistry([reportJob({ cron: "0 ${MINUTE} * * *" })]);
    expect(() =>
      createScheduler({ registry, services: { Probe: new Probe() }, clock: new ManualClock() }),
    ).toThrow(
      expect.objectContaining({
        code: "ELR105",
        message: expect.stringMatching(
          /job "reports\.build".*a placeholder must be the whole value/,
        ),
      }),
    );
  });

  it("without subscribe the values are read once, at start", async () => {
    const values = new Map([["REPORT_CRON", "*/20 * * * *"]]);
    const harness = await startHarness([reportJob({ cron: "${REPORT_CRON}" }, null)], {
      start: START,
      variables: { get: (key) => values.get(key) },
    });
    values.set("REPORT_CRON", "0 * * * *");
    await advanceTo(harness, "01:00");
    expect(ranAt(harness)).toEqual(["00:20", "00:40", "01:00"]);
  });

  it("stop ends the subscription", async () => {
    const variables = new TestVariables();
    const harness = await startHarness([reportJob({ cron: "${REPORT_CRON:-0 * * * *}" })], {
      start: START,
      variables,
    });
    expect(variables.subscriberCount).toBe(1);
    await harness.scheduler.stop();
    expect(variables.subscriberCount).toBe(0);
  });
});
