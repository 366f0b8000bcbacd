import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../../src/stores/postgres/migrations.js";
import type { NewJobRow } from "../../../src/stores/postgres/queue-rows.js";
import { CancelRepository } from "../../../src/stores/postgres/cancel-repository.js";
import { JobInsertRepository } from "../../../src/stores/postgres/job-insert-repository.js";
import { QueueRepository } from "../../../src/stores/postgres/queue-repository.js";
import { newJobRow, T0 } from "./support/job-rows.js";
import {
  createMigratedTestSchema,
  createTestSchema,
  TEST_DATABASE_URL,
  type TestSchema,
} from "./support/test-database.js";

let db: TestSchema;
let queue: QueueRepository;
let inserts: JobInsertRepository;
let cancels: CancelRepository;
const LEASE = 30_000;

beforeAll(async () => {
  db = await createMigratedTestSchema("queue_repo");
  queue = new QueueRepository(db.schema);
  inserts = new JobInsertRepository(db.schema);
  cancels = new CancelRepository(db.schema);
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query(
    `TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs, ${db.schema.quoted}.occurrences`,
  );
});

function newJob(overrides: Partial<NewJobRow> = {}): NewJobRow {
  return newJobRow({ payload: { to: "a@example.com" }, ...overrides });
}

const claim = (owner: string, nowMs: number, limit = 10, leaseMs = LEASE) =>
  queue.completeAndClaim(db.pool, [], [], { owner, nowMs, limit, leaseMs });
/** Claims like {@link claim} and records that the bodies of the claimed runs started. */
const claimAndStart = async (owner: string, nowMs: number, limit = 10, leaseMs = LEASE) => {
  const claimed = await claim(owner, nowMs, limit, leaseMs);
  const starts = claimed.claimed.map((run) => ({
    runId: run.runId,
    claims: run.claims,
    allowedAtMs: nowMs,
    startedAtMs: nowMs,
  }));
  await queue.completeAndClaim(db.pool, [], starts, { owner, nowMs, limit: 0, leaseMs });
  return claimed;
};

describe("queue repository", () => {
  it("inserts a job, leases it once it is due, and completes it in the same round trip as the next claim", async () => {
    const first = newJob({ payload: { to: "x@example.com", n: [1, 2] }, correlationId: "corr-1" });
    const second = newJob({ dueTimeMs: T0 + 5_000 });
    await inserts.insertJobs(db.pool, [first, second]);

    const early = await claim("w1", T0 - 1);
    expect(early.claimed).toEqual([]);
    expect(early.nextDueTimeMs).toBe(T0);

    const due = await claim("w1", T0);
    expect(due.claimed.map((r) => r.runId)).toEqual([first.runId]);
    expect(due.claimed[0]).toMatchObject({
      jobId: first.jobId,
      payload: first.payload,
      correlationId: "corr-1",
      claims: 1,
      attempt: 1,
    });
    expect(due.nextDueTimeMs).toBe(T0 + 5_000);
    expect((await queue.getJob(db.pool, first.jobId))?.status).toBe("running");

    const next = await queue.completeAndClaim(
      db.pool,
      [
        {
          runId: first.runId,
          claims: 1,
          status: "succeeded",
          message: null,
          startedAtMs: T0 + 1,
          completedAtMs: T0 + 2,
        },
      ],
      [],
      { owner: "w1", nowMs: T0 + 5_000, limit: 10, leaseMs: LEASE },
    );
    expect([...next.completed]).toEqual([first.runId]);
    expect(next.claimed.map((r) => r.runId)).toEqual([second.runId]);
    expect(await queue.getJob(db.pool, first.jobId)).toMatchObject({
      status: "succeeded",
      completedAtMs: T0 + 2,
      lastError: null,
    });
  });

  it("hands a due run to only one of two workers claiming at once", async () => {
    await inserts.insertJobs(
      db.pool,
      Array.from({ length: 50 }, () => newJob()),
    );
    const other = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    try {
      const [a, b] = await Promise.all([
        queue.completeAndClaim(db.pool, [], [], {
          owner: "a",
          nowMs: T0,
          limit: 30,
          leaseMs: LEASE,
        }),
        queue.completeAndClaim(other, [], [], { owner: "b", nowMs: T0, limit: 30, leaseMs: LEASE }),
      ]);
      const ids = [...a.claimed, ...b.claimed].map((r) => r.runId);
      expect(ids).toHaveLength(50);
      expect(new Set(ids).size).toBe(50);
    } finally {
      await other.end();
    }
  });

  it("reclaims an expired lease, and the first owner's late completion is then rejected", async () => {
    const job = newJob();
    await inserts.insertJobs(db.pool, [job]);
    const crashed = await claim("dead-worker", T0, 10, -1_000); // lease already expired
    expect(crashed.claimed).toHaveLength(1);

    expect(await queue.reclaimExpired(db.pool, T0 + 1)).toEqual({ reclaimed: 1, failed: 0 });
    const rerun = await claim("live-worker", T0 + 1);
    expect(rerun.claimed.map((r) => r.runId)).toEqual([job.runId]);
    expect(rerun.claimed[0]!.claims).toBe(2);

    const late = await queue.completeAndClaim(
      db.pool,
      [
        {
          runId: job.runId,
          claims: 1,
          status: "failed",
          message: "late",
          startedAtMs: T0,
          completedAtMs: T0 + 9,
        },
      ],
      [],
      { owner: "dead-worker", nowMs: T0 + 9, limit: 0, leaseMs: LEASE },
    );
    expect(late.completed.size).toBe(0);
    const done = await queue.completeAndClaim(
      db.pool,
      [
        {
          runId: job.runId,
          claims: 2,
          status: "succeeded",
          message: null,
          startedAtMs: T0 + 1,
          completedAtMs: T0 + 10,
        },
      ],
      [],
      { owner: "live-worker", nowMs: T0 + 10, limit: 0, leaseMs: LEASE },
    );
    expect([...done.completed]).toEqual([job.runId]);
    expect((await queue.getJob(db.pool, job.jobId))?.status).toBe("succeeded");
  });

  it("requeues a run whose worker keeps dying up to maxLeaseExpiries, then ends it and its job failed; an ordinary job in the same queue still runs", async () => {
    const poison = newJob({ maxAttempts: 3, resilienceMode: "deferred-retry" });
    const ordinary = newJob({ dueTimeMs: T0 + 1 });
    await inserts.insertJobs(db.pool, [poison, ordinary]);

    for (const lost of [1, 2]) {
      const crashed = await claimAndStart(`dead-worker-${lost}`, T0 + lost, 1, -1_000); // lease already expired
      expect(crashed.claimed.map((r) => [r.runId, r.claims])).toEqual([[poison.runId, lost]]);
      expect(await queue.reclaimExpired(db.pool, T0 + lost, 3)).toEqual({
        reclaimed: 1,
        failed: 0,
      });
      expect((await queue.getJob(db.pool, poison.jobId))?.status).toBe("queued");
    }
    await claimAndStart("dead-worker-3", T0 + 3, 1, -1_000);
    expect(await queue.reclaimExpired(db.pool, T0 + 3, 3)).toEqual({ reclaimed: 1, failed: 1 });

    const message =
      `worker lost 3 times while running job ${poison.jobId} (lease expired); giving up — ` +
      "raise postgresStore({ maxLeaseExpiries }) or fix the crash";
    expect(await queue.getJob(db.pool, poison.jobId)).toMatchObject({
      status: "failed",
      lastError: message,
      attempt: 1, // a lost worker is not a failed attempt: no deferred retry is scheduled
      nextAttemptDueTimeMs: null,
      completedAtMs: T0 + 3,
    });
    expect(
      (await queue.recentOutcomes(db.pool)).map((r) => [r.runId, r.status, r.message]),
    ).toEqual([[poison.runId, "failed", message]]);
    expect(await queue.reclaimExpired(db.pool, T0 + 4, 3)).toEqual({ reclaimed: 0, failed: 0 });

    const live = await claim("live-worker", T0 + 4);
    expect(live.claimed.map((r) => r.runId)).toEqual([ordinary.runId]);
    const done = await queue.completeAndClaim(
      db.pool,
      [
        {
          runId: ordinary.runId,
          claims: 1,
          status: "succeeded",
          message: null,
          startedAtMs: T0 + 4,
          completedAtMs: T0 + 5,
        },
      ],
      [],
      { owner: "live-worker", nowMs: T0 + 5, limit: 10, leaseMs: LEASE },
    );
    expect([...done.completed]).toEqual([ordinary.runId]);
    expect(done.claimed).toEqual([]);
    expect((await queue.getJob(db.pool, ordinary.jobId))?.status).toBe("succeeded");
  });

  it("counts only expired leases toward maxLeaseExpiries: runs given back at shutdown and cancelled runs are not failed", async () => {
    const released = newJob();
    const cancelled = newJob({ dueTimeMs: T0 + 1 });
    await inserts.insertJobs(db.pool, [released, cancelled]);

    await claim("w1", T0, 1, LEASE);
    expect(await queue.releaseRuns(db.pool, "w1", [{ runId: released.runId, claims: 1 }])).toBe(1);
    await claimAndStart("w2", T0, 1, -1_000);
    expect(await queue.reclaimExpired(db.pool, T0, 2)).toEqual({ reclaimed: 1, failed: 0 });
    expect((await queue.getJob(db.pool, released.jobId))?.status).toBe("queued");

    await claimAndStart("w3", T0 + 1, 10, -1_000); // both: `released` (its 2nd expiry below) and `cancelled`
    expect((await cancels.cancelJob(db.pool, cancelled.jobId, T0 + 1)).outcome).toBe(
      "abort-active",
    );
    expect(await queue.reclaimExpired(db.pool, T0 + 1, 1)).toEqual({ reclaimed: 2, failed: 1 });
    expect((await queue.getJob(db.pool, cancelled.jobId))?.status).toBe("cancelled");
    expect(await queue.getJob(db.pool, released.jobId)).toMatchObject({
      status: "failed",
      lastError: expect.stringMatching(/^worker lost 2 times/),
    });
  });

  it("never fails the neighbours of a crash: runs the lost worker had claimed but not started keep their count", async () => {
    const neighbour = newJob();
    await inserts.insertJobs(db.pool, [neighbour]);
    for (const lost of [1, 2, 3]) {
      await claim(`dead-worker-${lost}`, T0 + lost, 1, -1_000); // claimed ahead, body never started
      expect(await queue.reclaimExpired(db.pool, T0 + lost, 1)).toEqual({
        reclaimed: 1,
        failed: 0,
      });
    }
    expect((await queue.getJob(db.pool, neighbour.jobId))?.status).toBe("queued");
  });

  it("keeps a lease alive with heartbeats and reports a lost lease by leaving it out", async () => {
    const job = newJob();
    await inserts.insertJobs(db.pool, [job]);
    await claim("w1", T0, 10, -1_000);
    const kept = await queue.heartbeat(db.pool, "w1", [{ runId: job.runId, claims: 1 }], LEASE);
    expect([...kept.keys()]).toEqual([job.runId]);
    expect(await queue.reclaimExpired(db.pool, T0)).toEqual({ reclaimed: 0, failed: 0 });

    const lost = await queue.heartbeat(db.pool, "w1", [{ runId: job.runId, claims: 0 }], LEASE);
    expect(lost.size).toBe(0);
  });

  it("turns a failed attempt into a waiting retry of the same job with the next attempt number", async () => {
    const job = newJob({ maxAttempts: 3, resilienceMode: "deferred-retry" });
    await inserts.insertJobs(db.pool, [job]);
    await claim("w1", T0);
    const retryRunId = randomUUID();
    await queue.completeAndClaim(
      db.pool,
      [
        {
          runId: job.runId,
          claims: 1,
          status: "failed",
          message: "smtp down",
          startedAtMs: T0,
          completedAtMs: T0 + 5,
          retry: { runId: retryRunId, dueTimeMs: T0 + 2_000 },
        },
      ],
      [],
      { owner: "w1", nowMs: T0 + 5, limit: 10, leaseMs: LEASE },
    );
    expect(await queue.getJob(db.pool, job.jobId)).toMatchObject({
      status: "waiting-retry",
      currentRunId: retryRunId,
      attempt: 2,
      nextAttemptDueTimeMs: T0 + 2_000,
      lastError: "smtp down",
      completedAtMs: null,
    });
    const queued = await queue.queuedRuns(db.pool, 100);
    expect(queued.map((r) => [r.runId, r.dueTimeMs])).toEqual([[retryRunId, T0 + 2_000]]);
    const retried = await claim("w2", T0 + 2_000);
    expect(retried.claimed[0]).toMatchObject({
      runId: retryRunId,
      jobId: job.jobId,
      attempt: 2,
      maxAttempts: 3,
    });
  });

  it("keeps a job's trace context: every claim of its runs (the retry too) and its cancel hand it back; queued runs count per job name", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const traced = newJob({ traceContext: traceparent });
    const plain = newJob({ jobName: "reports.build" });
    const cancelled = newJob({ traceContext: traceparent, dueTimeMs: T0 + 60_000 });
    await inserts.insertJobs(db.pool, [traced, plain, cancelled]);
    expect(await queue.queuedRunCounts(db.pool)).toEqual(
      new Map([
        ["emails.send", 2],
        ["reports.build", 1],
      ]),
    );

    const first = await claim("w1", T0);
    expect(first.claimed.map((run) => [run.jobId, run.traceContext])).toEqual([
      [traced.jobId, traceparent],
      [plain.jobId, null],
    ]);
    const retryRunId = randomUUID();
    const claimedTraced = first.claimed.find((run) => run.jobId === traced.jobId)!;
    await queue.completeAndClaim(
      db.pool,
      [
        {
          runId: traced.runId,
          claims: claimedTraced.claims,
          status: "failed",
          message: "boom",
          startedAtMs: T0,
          completedAtMs: T0 + 1,
          retry: { runId: retryRunId, dueTimeMs: T0 + 10 },
        },
      ],
      [],
      { owner: "w1", nowMs: T0 + 1, limit: 0, leaseMs: LEASE },
    );
    expect(
      (await claim("w2", T0 + 10)).claimed.map((run) => [run.runId, run.traceContext]),
    ).toEqual([[retryRunId, traceparent]]);
    expect(await cancels.cancelJob(db.pool, cancelled.jobId, T0 + 11)).toMatchObject({
      outcome: "cancelled-before-start",
      jobName: "emails.send",
      traceContext: traceparent,
    });
    expect(await queue.queuedRunCounts(db.pool)).toEqual(new Map());
  });

  it("cancels a queued run before execution, and never hands it out afterwards", async () => {
    const job = newJob();
    await inserts.insertJobs(db.pool, [job]);
    expect(await cancels.cancelJob(db.pool, job.jobId, T0 - 10)).toEqual({
      outcome: "cancelled-before-start",
      runId: job.runId,
      jobId: job.jobId,
      jobName: "emails.send",
      traceContext: null,
      scheduleKey: null,
    });
    expect((await claim("w1", T0)).claimed).toEqual([]);
    expect(await queue.getJob(db.pool, job.jobId)).toMatchObject({
      status: "cancelled",
      completedAtMs: T0 - 10,
    });
    expect(await cancels.cancelRun(db.pool, job.runId, T0)).toEqual({ outcome: "not-found" });
    expect(await cancels.cancelRun(db.pool, "not-a-uuid", T0)).toEqual({ outcome: "not-found" });
  });

  it("flags a running run as cancel-requested and notifies its owner on the schema's channel", async () => {
    const job = newJob();
    await inserts.insertJobs(db.pool, [job]);
    await claim("owner-b", T0);
    const listener = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await listener.connect();
    try {
      const notice = new Promise<string | undefined>((resolve) =>
        listener.on("notification", (n) => resolve(n.payload)),
      );
      await listener.query(`LISTEN ${db.schema.quotedChannel}`);
      expect(await cancels.cancelRun(db.pool, job.runId, T0)).toEqual({
        outcome: "abort-active",
        runId: job.runId,
        jobId: job.jobId,
        owner: "owner-b",
        jobName: "emails.send",
        traceContext: null,
        scheduleKey: null,
      });
      expect(await notice).toBe(`c${job.runId}`);
      const held = await queue.heartbeat(
        db.pool,
        "owner-b",
        [{ runId: job.runId, claims: 1 }],
        LEASE,
      );
      expect(held.get(job.runId)).toEqual({ cancelRequested: true });
    } finally {
      await listener.end();
    }
  });

  it("rolls an insert back with the caller's transaction: no job, no run, no notification", async () => {
    const listener = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await listener.connect();
    const notices: string[] = [];
    listener.on("notification", (n) => notices.push(n.payload ?? ""));
    await listener.query(`LISTEN ${db.schema.quotedChannel}`);
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await inserts.insertJobs(client, [newJob({ jobName: "rolled.back" })]);
      await client.query("ROLLBACK");
      await client.query("BEGIN");
      await inserts.insertJobs(client, [newJob({ jobName: "committed", dueTimeMs: T0 + 7 })]);
      await client.query("COMMIT");
      // Round trips on the listener deliver pending notices; the committed one proves delivery works.
      const deadline = Date.now() + 5_000;
      while (notices.length === 0 && Date.now() < deadline) await listener.query("SELECT 1");
      expect(notices).toEqual([`n${T0 + 7}`]);
      const names = await db.pool.query(`SELECT job_name FROM ${db.schema.quoted}.jobs`);
      expect(names.rows.map((r) => r.job_name)).toEqual(["committed"]);
    } finally {
      client.release();
      await listener.end();
    }
  });

  it("grants a recurring slot to exactly one claimant", async () => {
    const claims = await Promise.all(
      ["a", "b", "c", "d"].map((owner) =>
        queue.claimOccurrence(db.pool, "reports.hourly", T0, owner),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await queue.claimOccurrence(db.pool, "reports.hourly", T0 + 3_600_000, "b")).toBe(true);
  });

  it("retention keeps the newest finished jobs up to the limit, drops old ones, and never touches unfinished jobs", async () => {
    const jobs = Array.from({ length: 6 }, (_, i) => newJob({ dueTimeMs: T0 + i }));
    const pending = newJob({ dueTimeMs: T0 + 60_000 });
    await inserts.insertJobs(db.pool, [...jobs, pending]);
    const { claimed } = await claim("w1", T0 + 10);
    await queue.completeAndClaim(
      db.pool,
      claimed.map((r, i) => ({
        runId: r.runId,
        claims: r.claims,
        status: "succeeded" as const,
        message: null,
        startedAtMs: T0,
        completedAtMs: T0 + 100 + i,
      })),
      [],
      { owner: "w1", nowMs: T0 + 200, limit: 0, leaseMs: LEASE },
    );
    const deleted = await queue.applyRetention(db.pool, {
      maxFinishedJobs: 3,
      maxAgeMs: 1_000_000,
      nowMs: T0 + 200,
      occurrenceHorizonMs: T0,
    });
    expect(deleted).toBe(3);
    const left = await db.pool.query(`SELECT job_id::text AS id FROM ${db.schema.quoted}.jobs`);
    expect(new Set(left.rows.map((r) => r.id))).toEqual(
      new Set([jobs[3]!.jobId, jobs[4]!.jobId, jobs[5]!.jobId, pending.jobId]),
    );
    expect(await queue.getJob(db.pool, jobs[0]!.jobId)).toBeNull();

    expect(
      await queue.applyRetention(db.pool, {
        maxFinishedJobs: 100,
        maxAgeMs: 50,
        nowMs: T0 + 200,
        occurrenceHorizonMs: T0,
      }),
    ).toBe(3);
    expect(await queue.getJob(db.pool, pending.jobId)).not.toBeNull();
  });
  it("gathers planner statistics once for a never-analysed backlog, not for a small queue", async () => {
    const fresh = await createTestSchema("queue_stats");
    try {
      const client = await fresh.pool.connect();
      await migrate(client, fresh.schema).finally(() => client.release());
      const freshQueue = new QueueRepository(fresh.schema);
      await new JobInsertRepository(fresh.schema).insertJobs(fresh.pool, [newJob()]);
      expect(await freshQueue.analyzeIfNeverAnalysed(fresh.pool)).toBe(false);

      await new JobInsertRepository(fresh.schema).insertJobs(
        fresh.pool,
        Array.from({ length: 1_000 }, () => newJob()),
      );
      expect(await freshQueue.analyzeIfNeverAnalysed(fresh.pool)).toBe(true);
      const stats = await fresh.pool.query(
        `SELECT last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables WHERE relid = '${fresh.schema.quoted}.runs'::regclass`,
      );
      expect(stats.rows[0]?.analysed).toBe(true);
      expect(await freshQueue.analyzeIfNeverAnalysed(fresh.pool)).toBe(false);
    } finally {
      await fresh.drop();
    }
  });
});
