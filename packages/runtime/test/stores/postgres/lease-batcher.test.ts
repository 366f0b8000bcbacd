import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueryConfig } from "pg";
import {
  LeaseBatcher,
  type LeaseBatcherHooks,
} from "../../../src/stores/postgres/lease-batcher.js";
import type { NewJobRow } from "../../../src/stores/postgres/queue-rows.js";
import type { Queryable } from "../../../src/stores/postgres/queryable.js";
import { JobInsertRepository } from "../../../src/stores/postgres/job-insert-repository.js";
import { QueueRepository } from "../../../src/stores/postgres/queue-repository.js";
import { ManualClock } from "../../../src/testing/manual-clock.js";
import { newJobRow, T0 } from "./support/job-rows.js";
import { createMigratedTestSchema, type TestSchema } from "./support/test-database.js";

let db: TestSchema;
let queue: QueueRepository;
let inserts: JobInsertRepository;

beforeAll(async () => {
  db = await createMigratedTestSchema("lease_batcher");
  queue = new QueueRepository(db.schema);
  inserts = new JobInsertRepository(db.schema);
});
afterAll(async () => {
  await db?.drop();
});

function newJob(overrides: Partial<NewJobRow> = {}): NewJobRow {
  return newJobRow({ jobName: "reports.build", ...overrides });
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The test database through a connection that can be made to drop the next statements, as a network blip would. */
class DroppingConnection implements Queryable {
  dropNext = 0;
  constructor(private readonly pool: Queryable) {}
  query(config: string | QueryConfig<unknown[]>, values?: unknown[]): Promise<never> {
    if (this.dropNext > 0) {
      this.dropNext -= 1;
      return Promise.reject(
        Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET" }),
      );
    }
    return (
      typeof config === "string" ? this.pool.query(config, values) : this.pool.query(config)
    ) as Promise<never>;
  }
}

/**
 * The test database, except that PostgreSQL "refuses" (a statement error, SQLSTATE 22P05, not a
 * connection error) every completion statement that records `runId` as succeeded — as it would an
 * outcome it cannot store.
 */
class RefusingConnection implements Queryable {
  refused = 0;
  constructor(
    private readonly pool: Queryable,
    private readonly runId: string,
  ) {}
  query(config: string | QueryConfig<unknown[]>, values?: unknown[]): Promise<never> {
    const params = typeof config === "string" ? (values ?? []) : (config.values ?? []);
    const completions =
      typeof params[0] === "string" && params[0].startsWith("{")
        ? (JSON.parse(params[0]) as Record<string, { status?: string }>)
        : {};
    if (completions[this.runId]?.status === "succeeded") {
      this.refused += 1;
      return Promise.reject(
        Object.assign(new Error("unsupported Unicode escape sequence"), { code: "22P05" }),
      );
    }
    return (
      typeof config === "string" ? this.pool.query(config, values) : this.pool.query(config)
    ) as Promise<never>;
  }
}

/** Batcher hooks on a ManualClock that never moves unless told, recording failures. */
function recordingHooks(clock = new ManualClock(new Date(T0))) {
  const failures: unknown[] = [];
  let failed: () => void = () => undefined;
  const nextFailure = () => new Promise<void>((resolve) => (failed = resolve));
  const hooks: LeaseBatcherHooks = {
    now: () => clock.now(),
    setTimer: (atMs, callback) => clock.setTimer(atMs, callback),
    screen: () => "run",
    nextDue: () => undefined,
    completed: () => null,
    released: () => undefined,
    cancelsInFlight: () => null,
    failed: (error) => {
      failures.push(error);
      failed();
    },
    logger: silent,
  };
  return { hooks, failures, nextFailure, clock };
}

const succeeded = {
  status: "succeeded" as const,
  message: null,
  startedAtMs: T0,
  completedAtMs: T0 + 1,
};

describe("lease batcher", () => {
  it("a slow retention pass holds back the completion's caller but not the next claim", async () => {
    const first = newJob();
    const second = newJob();
    await inserts.insertJobs(db.pool, [first, second]);
    let openRetention: () => void = () => undefined;
    const retention = new Promise<void>((resolve) => {
      openRetention = resolve;
    });
    const retentionAsked: number[] = [];
    const hooks: LeaseBatcherHooks = {
      now: () => T0,
      setTimer: (atMs, callback) => new ManualClock(new Date(T0)).setTimer(atMs, callback),
      screen: () => "run",
      nextDue: () => undefined,
      completed: (count) => {
        retentionAsked.push(count);
        return retention;
      },
      released: () => undefined,
      cancelsInFlight: () => null,
      failed: (error) => {
        throw error;
      },
      logger: silent,
    };
    const batcher = new LeaseBatcher(queue, db.pool, "w1", 30_000, hooks);

    const [leased] = await batcher.claim(T0, 1);
    expect(leased).toBeDefined();
    let completionAnswered = false;
    const completion = batcher
      .complete({
        runId: leased!.runId,
        status: "succeeded",
        message: null,
        startedAtMs: T0,
        completedAtMs: T0 + 1,
      })
      .then((accepted) => {
        completionAnswered = true;
        return accepted;
      });
    // The claim round trip carries the completion (same tick) and asks for retention.
    const next = await batcher.claim(T0, 1);

    expect(next.map((row) => row.runId)).toEqual([
      leased!.runId === first.runId ? second.runId : first.runId,
    ]);
    expect(retentionAsked).toEqual([1]);
    expect(completionAnswered).toBe(false);
    const done = await db.pool.query(
      `SELECT status FROM ${db.schema.quoted}.runs WHERE run_id = $1`,
      [leased!.runId],
    );
    expect(done.rows[0]?.status).toBe("succeeded");

    openRetention();
    expect(await completion).toBe(true);
    await batcher.close();
  });

  it("keeps its five collections consistent through claim, prefetch, a cancelled prefetched run, start, completion, heartbeat and close", async () => {
    const jobs = [newJob(), newJob(), newJob()];
    await inserts.insertJobs(db.pool, jobs);
    const { hooks } = recordingHooks();
    // Hold the leased runs in the prefetch (as a cancel in flight does) until the test lets go.
    let handOut: () => void = () => undefined;
    let prefetchedReached: () => void = () => undefined;
    const prefetched = new Promise<void>((resolve) => (prefetchedReached = resolve));
    hooks.cancelsInFlight = () => {
      prefetchedReached();
      return new Promise<void>((resolve) => (handOut = resolve));
    };
    const batcher = new LeaseBatcher(queue, db.pool, "w-invariants", 30_000, hooks);
    const steps: [string, string[]][] = [];
    const check = (step: string) => steps.push([step, batcher.invariantViolations()]);

    const claiming = batcher.claim(T0, 3);
    await prefetched;
    check("leased, waiting in the prefetch");
    expect(batcher.heldCount).toBe(3);
    const cancelled = [...jobs].find((candidate) => batcher.isPrefetched(candidate.runId))!;
    const cancelledEnded = batcher.completePrefetched(cancelled.runId, {
      status: "cancelled",
      message: "cancelled",
      startedAtMs: null,
      completedAtMs: T0,
    });
    check("a prefetched run cancelled");
    handOut();
    const [first, second] = await claiming;
    check("handed out");
    expect(await cancelledEnded).toBe(true);
    check("the cancelled run recorded");
    const started = batcher.markStarted(first!.runId, T0);
    check("start mark pending");
    await started;
    check("start mark recorded");
    const completed = batcher.complete({ ...succeeded, runId: first!.runId });
    check("completion pending");
    expect(await completed).toBe(true);
    check("completion recorded");
    await batcher.extendLeases({ lost: () => undefined, cancelRequested: () => undefined });
    check("heartbeat");
    expect(await batcher.complete({ ...succeeded, runId: second!.runId })).toBe(true);
    check("second completed");
    await batcher.close();
    check("closed");

    expect(steps.filter(([, problems]) => problems.length > 0)).toEqual([]);
    expect(steps).toHaveLength(11);
    expect(batcher.heldCount).toBe(0);
  });

  it("a lease lost while its start mark waits for a retry drops the start mark with it", async () => {
    const lost = newJob();
    await inserts.insertJobs(db.pool, [lost]);
    const connection = new DroppingConnection(db.pool);
    const { hooks, failures, nextFailure } = recordingHooks();
    const batcher = new LeaseBatcher(queue, connection, "w-lost", 30_000, hooks);
    const [run] = await batcher.claim(T0, 1);
    expect(run?.runId).toBe(lost.runId);

    // The start mark's round trip fails; it waits for a retry on the (unmoving) clock.
    connection.dropNext = 1;
    const failure = nextFailure();
    const startRecorded = batcher.markStarted(lost.runId, T0 + 1);
    await failure;
    expect(failures).toHaveLength(1);
    // Meanwhile the lease expired and another worker took the run.
    await db.pool.query(
      `UPDATE ${db.schema.quoted}.runs SET owner = 'w-other', claims = claims + 1 WHERE run_id = $1`,
      [lost.runId],
    );
    const reported: string[] = [];
    await batcher.extendLeases({
      lost: (runId) => reported.push(runId),
      cancelRequested: () => undefined,
    });

    expect(reported).toEqual([lost.runId]);
    expect(batcher.invariantViolations()).toEqual([]);
    await startRecorded;
    await batcher.close();
  });

  it("an outcome PostgreSQL refuses does not hold back the others: each is recorded, the refused one as a failure saying why", async () => {
    const jobs = [newJob(), newJob(), newJob(), newJob()];
    await inserts.insertJobs(db.pool, jobs);
    const poison = jobs[1]!;
    const connection = new RefusingConnection(db.pool, poison.runId);
    const { hooks, failures } = recordingHooks();
    const batcher = new LeaseBatcher(queue, connection, "w-refused", 30_000, hooks);
    const leased = await batcher.claim(T0, 4);
    expect(leased).toHaveLength(4);

    // All four completions travel in one round trip, which PostgreSQL refuses.
    const answers = await Promise.all(
      jobs.map((job) => batcher.complete({ ...succeeded, runId: job.runId })),
    );

    expect(answers).toEqual([true, true, true, true]);
    expect(connection.refused).toBe(2); // the batch, then the poison run alone
    expect(batcher.heldCount).toBe(0);
    expect(batcher.invariantViolations()).toEqual([]);
    const rows = await db.pool.query(
      `SELECT run_id::text AS id, status, message FROM ${db.schema.quoted}.runs WHERE run_id = ANY($1::uuid[])`,
      [jobs.map((job) => job.runId)],
    );
    const byId = new Map(
      rows.rows.map((row) => [row.id as string, row as { status: string; message: string | null }]),
    );
    for (const job of jobs.filter((candidate) => candidate !== poison))
      expect(byId.get(job.runId)?.status).toBe("succeeded");
    expect(byId.get(poison.runId)).toEqual({
      id: poison.runId,
      status: "failed",
      message:
        "The outcome of this run (succeeded) could not be stored: unsupported Unicode escape sequence.",
    });
    // The next round trip is not held back.
    const next = newJob();
    await inserts.insertJobs(db.pool, [next]);
    expect((await batcher.claim(T0, 1)).map((row) => row.runId)).toEqual([next.runId]);
    expect(failures).toHaveLength(1); // the refused batch was reported once
    await batcher.close();
  });
});
