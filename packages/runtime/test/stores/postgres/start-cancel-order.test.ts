/**
 * The order of a claimed run's start, its cancel and its completion in the database (issue 9,
 * defect 5), and the lock order of the heartbeat against the worker's own round trips.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CancelRepository } from "../../../src/stores/postgres/cancel-repository.js";
import { JobInsertRepository } from "../../../src/stores/postgres/job-insert-repository.js";
import {
  LeaseBatcher,
  type LeaseBatcherHooks,
} from "../../../src/stores/postgres/lease-batcher.js";
import type { NewJobRow } from "../../../src/stores/postgres/queue-rows.js";
import { QueueRepository } from "../../../src/stores/postgres/queue-repository.js";
import { renderStatements } from "../../../src/stores/postgres/sql/statements.js";
import { ManualClock } from "../../../src/testing/manual-clock.js";
import { newJobRow, T0 } from "./support/job-rows.js";
import { createMigratedTestSchema, type TestSchema } from "./support/test-database.js";

let db: TestSchema;
let queue: QueueRepository;
let inserts: JobInsertRepository;
let cancels: CancelRepository;
const LEASE = 30_000;

beforeAll(async () => {
  db = await createMigratedTestSchema("start_cancel");
  queue = new QueueRepository(db.schema);
  inserts = new JobInsertRepository(db.schema);
  cancels = new CancelRepository(db.schema);
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query(`TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs`);
});

function newJob(overrides: Partial<NewJobRow> = {}): NewJobRow {
  return newJobRow(overrides);
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function hooks(): LeaseBatcherHooks {
  const clock = new ManualClock(new Date(T0));
  return {
    now: () => clock.now(),
    setTimer: (atMs, callback) => clock.setTimer(atMs, callback),
    screen: () => "run",
    nextDue: () => undefined,
    completed: () => null,
    released: () => undefined,
    cancelsInFlight: () => null,
    failed: (error) => {
      throw error;
    },
    logger: silent,
  };
}

async function runRow(
  runId: string,
): Promise<{ status: string; message: string | null; started: boolean }> {
  const result = await db.pool.query(
    `SELECT status, message, started_at IS NOT NULL AS started FROM ${db.schema.quoted}.runs WHERE run_id = $1`,
    [runId],
  );
  return result.rows[0];
}

/** Polls `read` until it answers what `done` accepts (a latch on database state, bounded). */
async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("a claimed run's start, cancel and completion", () => {
  it("refuses the start of a run whose cancel was recorded after its claim: the body may not start, and the run ends cancelled before execution", async () => {
    const job = newJob();
    await inserts.insertJobs(db.pool, [job]);
    const batcher = new LeaseBatcher(queue, db.pool, "w1", LEASE, hooks());
    const [leased] = await batcher.claim(T0, 1);
    expect(leased?.runId).toBe(job.runId);

    // Another process cancels the claimed run before this worker asked to start it.
    const cancel = await cancels.cancelJob(db.pool, job.jobId, T0 + 1);
    expect(cancel.outcome).toBe("abort-active");

    expect(await batcher.allowStart(job.runId, T0 + 2)).toBe(false);
    const ended = await eventually(
      () => runRow(job.runId),
      (row) => row.status !== "running",
      "the refused run to end",
    );
    expect(ended).toEqual({
      status: "cancelled",
      message: "cancelled before execution",
      started: false,
    });
    expect((await queue.getJob(db.pool, job.jobId))?.status).toBe("cancelled");
    expect(batcher.holds(job.runId)).toBe(false);
    expect(batcher.invariantViolations()).toEqual([]);
    await batcher.close();
  });

  it("a claim allows the start of the runs that start at once, and only those: a cancel after it finds theirs allowed and refuses the others'", async () => {
    const jobs = [0, 1, 2].map((n) => newJob({ dueTimeMs: T0 - 10 + n }));
    await inserts.insertJobs(db.pool, jobs);
    const batcher = new LeaseBatcher(queue, db.pool, "w1", LEASE, hooks());
    // The first takes a free slot at once, the second is asked about ahead, the third waits.
    const leased = await batcher.claim(T0, 3, { atOnce: 1, ahead: 1 });
    expect(leased.map((row) => row.runId)).toEqual(jobs.map((job) => job.runId));
    const marks = await db.pool.query(
      `SELECT start_allowed_at IS NOT NULL AS allowed, (extract(epoch from started_at) * 1000)::float8 AS started_ms
       FROM ${db.schema.quoted}.runs ORDER BY due_time`,
    );
    expect(marks.rows).toEqual([
      { allowed: true, started_ms: T0 },
      { allowed: true, started_ms: null },
      { allowed: false, started_ms: null },
    ]);

    const cancelJob = renderStatements(db.schema)["cancel-job"];
    const cancelOf = async (jobId: string) =>
      (await db.pool.query(cancelJob.text, [jobId, T0 + 1, db.schema.channel])).rows[0];
    expect(await cancelOf(jobs[1]!.jobId)).toMatchObject({
      was_running: true,
      start_allowed: true,
    });
    expect(await cancelOf(jobs[2]!.jobId)).toMatchObject({
      was_running: true,
      start_allowed: false,
    });
    // Allowed by the claim: the answers need no round trip.
    expect(batcher.markStarted(jobs[0]!.runId, T0)).toBe(true);
    expect(batcher.markStarted(jobs[1]!.runId, T0 + 2)).toBe(true);
    // Not allowed by the claim, and cancelled since: its body may not start.
    expect(await batcher.allowStart(jobs[2]!.runId, T0 + 2)).toBe(false);
    expect(batcher.invariantViolations()).toEqual([]);
    await batcher.close();
  });

  it("allows the start when no cancel came first; a cancel after it ends the run cancelled even when its body reports success", async () => {
    const job = newJob();
    await inserts.insertJobs(db.pool, [job]);
    const batcher = new LeaseBatcher(queue, db.pool, "w1", LEASE, hooks());
    await batcher.claim(T0, 1);
    expect(await batcher.markStarted(job.runId, T0 + 2)).toBe(true);
    expect((await runRow(job.runId)).started).toBe(true);

    await cancels.cancelJob(db.pool, job.jobId, T0 + 3);
    // The body finished before the cancel reached it.
    expect(
      await batcher.complete({
        runId: job.runId,
        status: "succeeded",
        message: null,
        startedAtMs: T0 + 2,
        completedAtMs: T0 + 4,
      }),
    ).toBe(true);
    expect(await runRow(job.runId)).toEqual({
      status: "cancelled",
      message: "cancelled",
      started: true,
    });
    expect((await queue.getJob(db.pool, job.jobId))?.status).toBe("cancelled");
    await batcher.close();
  });

  it("a failed attempt whose cancel was requested ends cancelled: no retry is queued", async () => {
    const job = newJob({ maxAttempts: 3, resilienceMode: "deferred-retry" });
    await inserts.insertJobs(db.pool, [job]);
    const batcher = new LeaseBatcher(queue, db.pool, "w1", LEASE, hooks());
    await batcher.claim(T0, 1);
    expect(await batcher.markStarted(job.runId, T0 + 1)).toBe(true);
    await cancels.cancelRun(db.pool, job.runId, T0 + 2);
    const retryRunId = randomUUID();
    const accepted = await batcher.complete({
      runId: job.runId,
      status: "failed",
      message: "boom",
      startedAtMs: T0 + 1,
      completedAtMs: T0 + 3,
      retry: { runId: retryRunId, dueTimeMs: T0 + 10 },
    });
    expect(accepted).toBe(true);
    expect((await runRow(job.runId)).status).toBe("cancelled");
    const retries = await db.pool.query(
      `SELECT count(*)::int AS n FROM ${db.schema.quoted}.runs WHERE run_id = $1`,
      [retryRunId],
    );
    expect(retries.rows[0].n).toBe(0);
    expect((await queue.getJob(db.pool, job.jobId))?.status).toBe("cancelled");
    await batcher.close();
  });

  it("a start allowed ahead is not a start: the cancel says so, and a run ended before its body keeps no start time", async () => {
    const job = newJob();
    await inserts.insertJobs(db.pool, [job]);
    const batcher = new LeaseBatcher(queue, db.pool, "w1", LEASE, hooks());
    await batcher.claim(T0, 1);
    expect(await batcher.allowStart(job.runId, T0 + 1)).toBe(true);
    const allowed = await db.pool.query(
      `SELECT start_allowed_at IS NOT NULL AS allowed, started_at IS NOT NULL AS started FROM ${db.schema.quoted}.runs WHERE run_id = $1`,
      [job.runId],
    );
    expect(allowed.rows[0]).toEqual({ allowed: true, started: false });
    // A cancel now finds the start allowed: it is the owner's to end the run.
    const cancel = await db.pool.query(renderStatements(db.schema)["cancel-job"].text, [
      job.jobId,
      T0 + 2,
      db.schema.channel,
    ]);
    expect(cancel.rows[0]).toMatchObject({ was_running: true, start_allowed: true });
    // Cancelled while it still waited for a slot: its owner ends it without running the body.
    expect(
      await batcher.complete({
        runId: job.runId,
        status: "cancelled",
        message: "cancelled",
        startedAtMs: null,
        completedAtMs: T0 + 2,
      }),
    ).toBe(true);
    expect(await runRow(job.runId)).toEqual({
      status: "cancelled",
      message: "cancelled",
      started: false,
    });
    await batcher.close();
  });
});

describe("lock order", () => {
  it("the heartbeat and a round trip writing the same held runs never deadlock: both lock in run id order", async () => {
    // Each round: a third session holds the lower run's row; the heartbeat (runs listed high id
    // first) and a round trip (completing the lower run, starting the higher one) queue behind it.
    // Locking in the order given, the heartbeat held the higher row while waiting for the lower
    // one, and whichever of the two got the lower row first could deadlock with the other.
    const owner = "w1";
    const heartbeatPool = db.openPool(1);
    const roundTripPool = db.openPool(1);
    for (let round = 0; round < 4; round++) {
      await db.pool.query(`TRUNCATE ${db.schema.quoted}.jobs, ${db.schema.quoted}.runs`);
      const jobs = [newJob(), newJob()];
      await inserts.insertJobs(db.pool, jobs);
      const claimed = (
        await queue.completeAndClaim(db.pool, [], [], {
          owner,
          nowMs: T0,
          limit: 2,
          leaseMs: LEASE,
        })
      ).claimed;
      expect(claimed).toHaveLength(2);
      const [low, high] = [...claimed].sort((a, b) => (a.runId < b.runId ? -1 : 1));

      const blocker = await db.pool.connect();
      try {
        await blocker.query("BEGIN");
        await blocker.query(`SELECT 1 FROM ${db.schema.quoted}.runs WHERE run_id = $1 FOR UPDATE`, [
          low!.runId,
        ]);
        const heartbeat = queue.heartbeat(
          heartbeatPool,
          owner,
          [high!, low!].map((run) => ({ runId: run.runId, claims: run.claims })),
          LEASE,
        );
        const roundTrip = queue.completeAndClaim(
          roundTripPool,
          [
            {
              runId: low!.runId,
              claims: low!.claims,
              status: "succeeded",
              message: null,
              startedAtMs: T0,
              completedAtMs: T0 + 1,
            },
          ],
          [{ runId: high!.runId, claims: high!.claims, allowedAtMs: null, startedAtMs: T0 }],
          { owner, nowMs: T0, limit: 0, leaseMs: LEASE },
        );
        // Both statements wait for the blocker's lock before it lets go.
        await eventually(
          async () =>
            (
              await db.pool.query(
                `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database() AND a.query LIKE '%' || $1 || '%'`,
                [db.schema.name],
              )
            ).rows[0].n,
          (waiting: number) => waiting >= 2,
          "the heartbeat and the round trip to wait for the blocked row",
        );
        await blocker.query("COMMIT");
        const [beat, trip] = await Promise.all([heartbeat, roundTrip]);
        expect([...trip.completed]).toEqual([low!.runId]);
        expect([...trip.startsRefused]).toEqual([]);
        expect(beat.has(high!.runId)).toBe(true);
      } finally {
        blocker.release();
      }
    }
  });
});
