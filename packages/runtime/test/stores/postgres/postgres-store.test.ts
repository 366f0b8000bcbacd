import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ClaimedRun, NewRuntimeJob, RunTicket } from "../../../src/stores/job-store.js";
import { postgresStore, type PostgresJobStore } from "../../../src/stores/postgres/index.js";
import type { PostgresStoreOptions } from "../../../src/stores/postgres/postgres-store-options.js";
import {
  createTestSchema,
  TEST_DATABASE_URL,
  waitForState,
  type TestSchema,
} from "./support/test-database.js";
import { RecordingHost, runtimeJobDescriptor } from "./support/test-host.js";

let db: TestSchema;
const opened: PostgresJobStore[] = [];

beforeAll(async () => {
  db = await createTestSchema("store");
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.end()));
  await db.pool
    .query(
      `TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs, ${db.schema.quoted}.occurrences`,
    )
    .catch(() => undefined);
});
afterAll(async () => {
  await db?.drop();
});

const descriptors = [
  runtimeJobDescriptor("emails.send", (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { to?: unknown }).to === "string"
      ? null
      : "payload.to: expected string",
  ),
  runtimeJobDescriptor("reports.build"),
];

/** A store with its own pool, as a separate worker process would have. */
async function openStore(
  options: Partial<PostgresStoreOptions> = {},
  host = new RecordingHost(descriptors),
) {
  const store = postgresStore({
    pool: db.openPool(4),
    schema: db.schema.name,
    pollIntervalMs: 60_000,
    ...options,
  });
  opened.push(store);
  await store.open(host);
  return { store, host };
}

/** The ticket of the claimed run `runId` (for the attempt it was claimed for). */
function ticketOf(claimed: readonly ClaimedRun[], runId: string): RunTicket {
  const run = claimed.find((candidate) => candidate.runId === runId);
  if (run === undefined) throw new Error(`run ${runId} was not claimed`);
  return { claimed: run, attempt: run.attempt };
}

function job(overrides: Partial<NewRuntimeJob> = {}): NewRuntimeJob {
  const now = Date.now();
  return {
    jobId: randomUUID(),
    runId: randomUUID(),
    jobName: "emails.send",
    payload: { to: "a@example.com" },
    dueTimeMs: now,
    createdAtMs: now,
    correlationId: null,
    maxAttempts: 1,
    resilience: null,
    resilienceMode: "inline",
    key: null,
    onDuplicate: "keep",
    occurrence: null,
    ...overrides,
  };
}

describe("postgresStore", () => {
  it("runs a job end to end: enqueue, claim, start, complete, and reports it in getJob and the snapshot lists", async () => {
    const { store } = await openStore();
    const first = job({ correlationId: "order-7" });
    await store.insertJob(first);
    expect((await store.listQueuedRuns()).map((r) => r.runId)).toEqual([first.runId]);

    const claimed = await store.claimDueRuns(Date.now(), 10);
    expect(claimed).toEqual([
      expect.objectContaining({
        runId: first.runId,
        jobId: first.jobId,
        payload: { to: "a@example.com" },
        correlationId: "order-7",
      }),
    ]);
    expect(await store.markStarted(ticketOf(claimed, first.runId), Date.now())).toBe(true);
    expect((await store.listActiveRuns()).map((r) => [r.runId, r.status])).toEqual([
      [first.runId, "running"],
    ]);
    expect((await store.getJob(first.jobId))?.status).toBe("running");

    expect(
      await store.completeRun(ticketOf(claimed, first.runId), {
        status: "succeeded",
        message: null,
        completedAtMs: Date.now(),
        startedAtMs: Date.now(),
      }),
    ).toBe(true);
    expect(await store.getJob(first.jobId)).toMatchObject({
      status: "succeeded",
      attempt: 1,
      maxAttempts: 1,
      correlationId: "order-7",
    });
    expect((await store.listRecentOutcomes()).map((o) => [o.runId, o.status, o.message])).toEqual([
      [first.runId, "succeeded", null],
    ]);
    expect(
      await store.completeRun(ticketOf(claimed, first.runId), {
        status: "failed",
        message: "again",
        completedAtMs: Date.now(),
        startedAtMs: null,
      }),
    ).toBe(false);
  });

  it("leases at most maxLeasedRuns, reports more due work, and wakes the dispatcher when leases end", async () => {
    const { store, host } = await openStore({ maxLeasedRuns: 2 });
    for (let i = 0; i < 5; i++) await store.insertJob(job());
    const now = Date.now();
    const first = await store.claimDueRuns(now, 10);
    expect(first).toHaveLength(2);
    expect(store.nextDueTime()).toBeLessThanOrEqual(now);
    expect(await store.claimDueRuns(now, 10)).toEqual([]);

    const wakesBefore = host.wakeCount;
    await store.completeRun(ticketOf(first, first[0]!.runId), {
      status: "succeeded",
      message: null,
      completedAtMs: Date.now(),
      startedAtMs: null,
    });
    await host.until(() => host.wakeCount > wakesBefore, "a wake-up once a lease ended");
    expect(await store.claimDueRuns(Date.now(), 10)).toHaveLength(1);
  });

  it("knows the earliest future due time and learns of earlier work enqueued by another process", async () => {
    const a = await openStore();
    const b = await openStore();
    const later = Date.now() + 60_000;
    await a.store.insertJob(job({ dueTimeMs: later }));
    expect(await a.store.claimDueRuns(Date.now(), 10)).toEqual([]);
    expect(a.store.nextDueTime()).toBe(later);

    const sooner = Date.now() + 30_000;
    const wakesBefore = a.host.wakeCount;
    await b.store.insertJob(
      job({ dueTimeMs: sooner, jobName: "reports.build", payload: undefined }),
    );
    await a.host.until(
      () => a.host.wakeCount > wakesBefore && a.store.nextDueTime() === sooner,
      "the NOTIFY to reach the other store",
    );
    expect((await a.store.nextDueTimes()).get("reports.build")).toBe(sooner);
  });

  it("cancels a run active in another process: the owner's run is aborted through NOTIFY", async () => {
    const owner = await openStore();
    const other = await openStore();
    const target = job();
    await other.store.insertJob(target);
    const ownerClaimed = await owner.store.claimDueRuns(Date.now(), 10);
    expect(ownerClaimed.map((r) => r.runId)).toEqual([target.runId]);

    expect(await other.store.cancelJob(target.jobId, Date.now())).toEqual({
      outcome: "abort-active",
      runId: target.runId,
      ownedHere: false,
    });
    await owner.host.until(() => owner.host.aborted.length > 0, "the owner to be told to abort");
    expect(owner.host.aborted).toEqual([{ runId: target.runId, reason: "cancelled" }]);

    expect(
      await owner.store.completeRun(ticketOf(ownerClaimed, target.runId), {
        status: "cancelled",
        message: "cancelled",
        completedAtMs: Date.now(),
        startedAtMs: Date.now(),
      }),
    ).toBe(true);
    expect((await other.store.getJob(target.jobId))?.status).toBe("cancelled");
  });

  it("cancels a queued run from another process before it ever starts", async () => {
    const worker = await openStore();
    const other = await openStore();
    const target = job({ dueTimeMs: Date.now() + 1_000 });
    await worker.store.insertJob(target);
    expect(await other.store.cancelRun(target.runId, Date.now())).toEqual({
      outcome: "cancelled-before-start",
      runId: target.runId,
      ownedHere: false,
      jobId: target.jobId,
      jobName: target.jobName,
      traceContext: null,
    });
    expect(await worker.store.claimDueRuns(Date.now() + 5_000, 10)).toEqual([]);
    expect(await worker.store.getJob(target.jobId)).toMatchObject({ status: "cancelled" });
    expect((await worker.store.listRecentOutcomes())[0]).toMatchObject({
      status: "cancelled",
      message: "cancelled before execution",
    });
    expect(await other.store.cancelRun(target.runId, Date.now())).toEqual({
      outcome: "not-found",
      runId: null,
      ownedHere: false,
    });
  });

  it("joins the caller's transaction: a rolled-back enqueue leaves nothing to run", async () => {
    const { store } = await openStore();
    const client = await db.pool.connect();
    const rolledBack = job();
    try {
      await client.query("BEGIN");
      await store.insertJob(rolledBack, { client });
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await store.claimDueRuns(Date.now() + 1_000, 10)).toEqual([]);
    expect(await store.getJob(rolledBack.jobId)).toBeNull();
    await expect(store.insertJob(job(), { client: "not a client" })).rejects.toThrow(
      /options\.client must be a pg client/,
    );
  });

  it("ends a row it cannot run `failed` with a message saying why, and carries on with the next", async () => {
    const writer = await openStore(
      {},
      new RecordingHost([runtimeJobDescriptor("emails.send"), runtimeJobDescriptor("retired.job")]),
    );
    const worker = await openStore();
    const badPayload = job({ payload: { recipient: "old-shape@example.com" } });
    const unknownJob = job({ jobName: "retired.job", payload: undefined });
    const good = job();
    for (const row of [badPayload, unknownJob, good]) await writer.store.insertJob(row);

    const claimed = await worker.store.claimDueRuns(Date.now(), 10);
    expect(claimed.map((r) => r.runId)).toEqual([good.runId]);
    const failed = await waitForState(
      () =>
        Promise.all([worker.store.getJob(badPayload.jobId), worker.store.getJob(unknownJob.jobId)]),
      (states) => states.every((s) => s?.status === "failed"),
      "both unrunnable rows to end failed",
    );
    expect(failed[0]?.lastError).toMatch(
      /payload of job "emails\.send".*payload\.to: expected string.*older or newer deployment/,
    );
    expect(failed[1]?.lastError).toMatch(/job "retired\.job".*is not registered in this process/);
  });

  it("turns a failed attempt into a waiting retry that any worker claims when due", async () => {
    const { store } = await openStore();
    const target = job({ maxAttempts: 2, resilienceMode: "deferred-retry" });
    await store.insertJob(target);
    const claimed = await store.claimDueRuns(Date.now(), 10);
    const retryRunId = randomUUID();
    const retryDue = Date.now() + 50_000;
    expect(
      await store.scheduleRetry(ticketOf(claimed, target.runId), {
        newRunId: retryRunId,
        attempt: 2,
        dueTimeMs: retryDue,
        lastError: "smtp down",
        failedAtMs: Date.now(),
        startedAtMs: null,
      }),
    ).toBe(true);
    expect(await store.getJob(target.jobId)).toMatchObject({
      status: "waiting-retry",
      attempt: 2,
      currentRunId: retryRunId,
      lastError: "smtp down",
    });
    expect((await store.getJob(target.jobId))?.nextAttemptDueTime?.getTime()).toBe(retryDue);
    expect(store.nextDueTime()).toBe(retryDue);
    expect(await store.cancelRun(target.runId, Date.now())).toMatchObject({ outcome: "not-found" });

    const other = await openStore();
    expect(
      (await other.store.claimDueRuns(retryDue, 10)).map((r) => [
        r.runId,
        r.attempt,
        r.maxAttempts,
      ]),
    ).toEqual([[retryRunId, 2, 2]]);
  });

  it("reclaims a run whose lease expired and hands it to another worker; the first worker's completion is refused", async () => {
    const first = await openStore({ leaseMs: 120_000, heartbeatMs: 60_000 });
    const second = await openStore({ pollIntervalMs: 20 });
    const target = job();
    await first.store.insertJob(target);
    const firstClaimed = await first.store.claimDueRuns(Date.now(), 10);
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.runs SET lease_expires_at = now() - interval '1 second' WHERE run_id = $1`,
      [target.runId],
    );

    await second.host.until(
      () => second.host.wakeCount > 0,
      "the poll to reclaim the expired lease",
    );
    const rerun = await waitForState(
      async () => second.store.claimDueRuns(Date.now(), 10),
      (runs) => runs.length > 0,
      "the reclaimed run to be claimable",
    );
    expect(rerun.map((r) => r.runId)).toEqual([target.runId]);

    expect(
      await first.store.completeRun(ticketOf(firstClaimed, target.runId), {
        status: "succeeded",
        message: null,
        completedAtMs: Date.now(),
        startedAtMs: null,
      }),
    ).toBe(false);
    expect(
      await second.store.completeRun(ticketOf(rerun, target.runId), {
        status: "succeeded",
        message: null,
        completedAtMs: Date.now(),
        startedAtMs: null,
      }),
    ).toBe(true);
  });

  it("ends a run failed once its lease expired maxLeaseExpiries times, says why in getJob and recentOutcomes, and still runs the rest of the queue", async () => {
    const crashing = await openStore({ leaseMs: 120_000, heartbeatMs: 60_000 });
    const poison = job();
    await crashing.store.insertJob(poison);
    const crashingClaimed = await crashing.store.claimDueRuns(Date.now(), 10);
    expect(crashingClaimed.map((r) => r.runId)).toEqual([poison.runId]);
    const ordinary = job({ jobName: "reports.build", payload: undefined });
    await crashing.store.insertJob(ordinary);
    expect(
      await crashing.store.markStarted(ticketOf(crashingClaimed, poison.runId), Date.now()),
    ).toBe(true);
    // The crashing worker dies: its lease runs out with the body started.
    await waitForState(
      async () =>
        (
          await db.pool.query(`SELECT started_at FROM ${db.schema.quoted}.runs WHERE run_id = $1`, [
            poison.runId,
          ])
        ).rows[0]?.started_at ?? null,
      (startedAt) => startedAt !== null,
      "the start mark of the poison run to be written",
    );
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.runs SET lease_expires_at = now() - interval '1 second' WHERE run_id = $1`,
      [poison.runId],
    );

    const survivor = await openStore({ pollIntervalMs: 20, maxLeaseExpiries: 1 });
    const failed = await waitForState(
      async () => survivor.store.getJob(poison.jobId),
      (state) => state?.status === "failed",
      "the poll to end the poison run failed",
    );
    const message = `worker lost 1 time while running job ${poison.jobId} (lease expired); giving up — raise postgresStore({ maxLeaseExpiries }) or fix the crash`;
    expect(failed).toMatchObject({ status: "failed", lastError: message });
    expect(
      (await survivor.store.listRecentOutcomes()).map((o) => [o.runId, o.status, o.message]),
    ).toEqual([[poison.runId, "failed", message]]);
    expect(survivor.host.warnings).toContainEqual(
      expect.stringMatching(/lost their worker too often and ended failed/),
    );

    const survivorClaimed = await survivor.store.claimDueRuns(Date.now(), 10);
    expect(survivorClaimed.map((r) => r.runId)).toEqual([ordinary.runId]);
    expect(
      await survivor.store.completeRun(ticketOf(survivorClaimed, ordinary.runId), {
        status: "succeeded",
        message: null,
        completedAtMs: Date.now(),
        startedAtMs: Date.now(),
      }),
    ).toBe(true);
    expect(
      await crashing.store.completeRun(ticketOf(crashingClaimed, poison.runId), {
        status: "succeeded",
        message: null,
        completedAtMs: Date.now(),
        startedAtMs: null,
      }),
    ).toBe(false);
  });

  it("heartbeats notice a lost lease (abort it here) and a cancel whose NOTIFY was missed", async () => {
    const { store, host } = await openStore({ leaseMs: 60_000, heartbeatMs: 20 });
    const lost = job();
    const flagged = job();
    await store.insertJob(lost);
    await store.insertJob(flagged);
    const claimed = await store.claimDueRuns(Date.now(), 10);
    expect(claimed).toHaveLength(2);
    // Another worker took one run over; the other was flagged without a NOTIFY reaching us.
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.runs SET owner = 'someone-else' WHERE run_id = $1`,
      [lost.runId],
    );
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.runs SET cancel_requested = true WHERE run_id = $1`,
      [flagged.runId],
    );

    await host.until(() => host.aborted.length >= 2, "both aborts from the heartbeat");
    expect(host.aborted).toEqual(
      expect.arrayContaining([
        { runId: lost.runId, reason: "lease lost" },
        { runId: flagged.runId, reason: "cancelled" },
      ]),
    );
    expect(
      await store.completeRun(ticketOf(claimed, lost.runId), {
        status: "succeeded",
        message: null,
        completedAtMs: Date.now(),
        startedAtMs: null,
      }),
    ).toBe(false);
  });

  it("at shutdown, a run that never started goes back to the queue for another worker instead of being cancelled", async () => {
    const stopping = await openStore();
    const target = job();
    await stopping.store.insertJob(target);
    const claimed = await stopping.store.claimDueRuns(Date.now(), 10);
    await stopping.store.releaseRun(ticketOf(claimed, target.runId));
    await stopping.store.close();

    const next = await openStore();
    expect((await next.store.getJob(target.jobId))?.status).toBe("queued");
    expect((await next.store.claimDueRuns(Date.now(), 10)).map((r) => r.runId)).toEqual([
      target.runId,
    ]);
  });

  it("answers recurring-slot claims in the order they were asked, so catch-up slots run in due order", async () => {
    const { store } = await openStore();
    const answered: number[] = [];
    const slots = Array.from({ length: 30 }, (_, i) => Date.UTC(2032, 0, 1, 0, 0, i));
    await Promise.all(
      slots.map((slot) =>
        Promise.resolve(store.claimOccurrence("reports.catch-up", slot)).then(() =>
          answered.push(slot),
        ),
      ),
    );
    expect(answered).toEqual(slots);
  });

  it("grants each recurring slot to one of two processes", async () => {
    const a = await openStore();
    const b = await openStore();
    const slots = Array.from({ length: 20 }, (_, i) => Date.UTC(2031, 0, 1, 0, i));
    const results = await Promise.all(
      slots.flatMap((slot) => [
        a.store.claimOccurrence("reports.hourly", slot),
        b.store.claimOccurrence("reports.hourly", slot),
      ]),
    );
    for (let i = 0; i < slots.length; i++)
      expect([results[2 * i], results[2 * i + 1]].filter(Boolean)).toHaveLength(1);
  });

  it("keeps at most maxRetainedCompletedJobs finished jobs", async () => {
    const host = new RecordingHost(descriptors, { maxRetainedCompletedJobs: 2 });
    const { store } = await openStore({ pollIntervalMs: 20 }, host);
    const jobs = Array.from({ length: 5 }, () => job());
    for (const row of jobs) await store.insertJob(row);
    for (const run of await store.claimDueRuns(Date.now(), 10)) {
      await store.completeRun(
        { claimed: run, attempt: run.attempt },
        { status: "succeeded", message: null, completedAtMs: Date.now(), startedAtMs: null },
      );
    }
    const left = await waitForState(
      async () =>
        (await db.pool.query(`SELECT count(*)::int AS n FROM ${db.schema.quoted}.jobs`)).rows[0]
          .n as number,
      (n) => n === 2,
      "retention to drop the oldest finished jobs",
    );
    expect(left).toBe(2);
  });

  it("names host and port and says what to do when PostgreSQL is unreachable", async () => {
    const store = postgresStore({ connectionString: "postgres://postgres@127.0.0.1:1/test" });
    await expect(store.open(new RecordingHost(descriptors))).rejects.toMatchObject({
      code: "ELR502",
      message: expect.stringMatching(
        /127\.0\.0\.1:1 .*not reachable.*Check that the server is running/,
      ),
    });
    await store.end();
  });

  it("refuses an enqueue before open, a second open and a client that is not a pg client, each with its code", async () => {
    const store = postgresStore({
      pool: db.openPool(2),
      schema: db.schema.name,
      pollIntervalMs: 60_000,
    });
    opened.push(store);
    await expect(store.insertJob(job())).rejects.toMatchObject({
      code: "ELR513",
      message: expect.stringMatching(/not open; start the scheduler/),
    });
    await store.open(new RecordingHost(descriptors));
    await expect(store.open(new RecordingHost(descriptors))).rejects.toMatchObject({
      code: "ELR513",
      message: expect.stringMatching(/already open/),
    });
    await expect(store.insertJob(job(), { client: { notAClient: true } })).rejects.toMatchObject({
      name: "TypeError",
      code: "ELR512",
      message: expect.stringMatching(/options\.client must be a pg client inside your transaction/),
    });
  });

  it("rejects bad options with a message naming the option", () => {
    const coded = (message: RegExp) =>
      expect.objectContaining({ code: "ELR510", message: expect.stringMatching(message) });
    expect(() => postgresStore({})).toThrow(coded(/give a pg\.Pool/));
    expect(() =>
      postgresStore({ connectionString: TEST_DATABASE_URL, schema: "Bad-Name" }),
    ).toThrow(coded(/invalid schema name/));
    expect(() =>
      postgresStore({ connectionString: TEST_DATABASE_URL, leaseMs: 1_000, heartbeatMs: 2_000 }),
    ).toThrow(coded(/heartbeatMs .* shorter than leaseMs/));
    expect(() =>
      postgresStore({
        connectionString: TEST_DATABASE_URL,
        retention: { maxAge: "soon" as never },
      }),
    ).toThrow(coded(/retention\.maxAge of postgresStore/));
    for (const bad of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, "3"]) {
      expect(() =>
        postgresStore({ connectionString: TEST_DATABASE_URL, maxLeaseExpiries: bad as number }),
      ).toThrow(
        expect.objectContaining({
          name: "RangeError",
          code: "ELR510",
          message: `postgresStore: maxLeaseExpiries must be a whole number from 1 to 2147483647 (how many lost workers a run survives before it ends failed), got ${typeof bad === "string" ? JSON.stringify(bad) : String(bad)}.`,
        }),
      );
    }
    expect(() => postgresStore({ pool: db.pool, maxLeaseExpiries: 1 })).not.toThrow();
  });
});
