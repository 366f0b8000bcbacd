/**
 * The store's held claim connection (claim-connection.ts) across server faults, on a cluster this
 * file creates on a free port and drops afterwards (never the shared server on 5432): after a
 * restart or a crash the lost connection is replaced, the batcher's retries carry the completions
 * that were pending, and claims lease again; a look-ahead claim that fails is not retried at once.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewRuntimeJob, RunTicket } from "../../../../src/stores/job-store.js";
import { postgresStore, type PostgresJobStore } from "../../../../src/stores/postgres/index.js";
import { ManualClock } from "../../../../src/testing/manual-clock.js";
import { ScratchCluster } from "../support/scratch-cluster.js";
import { waitForState } from "../support/test-database.js";
import { RecordingHost, runtimeJobDescriptor } from "../support/test-host.js";

let cluster: ScratchCluster;
let admin: pg.Pool;
const SCHEMA = "claim_connection_faults";
const MAX = 6;

beforeAll(async () => {
  cluster = await ScratchCluster.create("claimconn");
  admin = new pg.Pool({ connectionString: cluster.url, max: 2 });
  admin.on("error", () => undefined);
}, 60_000);

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await cluster?.drop();
  if (cluster !== undefined) expect(await cluster.listed()).toBe(false);
});

function dueJob(): NewRuntimeJob {
  const now = Date.now();
  return {
    jobId: randomUUID(),
    runId: randomUUID(),
    jobName: "emails.send",
    payload: {},
    dueTimeMs: now,
    createdAtMs: now,
    correlationId: null,
    maxAttempts: 1,
    resilience: null,
    resilienceMode: "inline",
    key: null,
    onDuplicate: "keep",
    occurrence: null,
    traceContext: null,
  };
}

/**
 * Enqueues a due job (again while the server still refuses: the key makes a retry find a job that
 * did commit) and claims until the claim leases it, as the dispatcher claims again after a failure.
 */
async function enqueueAndClaim(store: PostgresJobStore): Promise<RunTicket> {
  const job = { ...dueJob(), key: `k-${randomUUID()}` };
  await waitForState(
    () =>
      Promise.resolve()
        .then(() => store.insertJob(job))
        .then(
          () => true,
          () => false,
        ),
    (inserted) => inserted,
    "the enqueue to succeed",
    30_000,
  );
  const leased: RunTicket[] = [];
  await waitForState(
    async () => {
      for (const run of await store.claimDueRuns(Date.now(), 8))
        leased.push({ claimed: run, attempt: run.attempt });
      return leased.map((ticket) => ticket.claimed.runId);
    },
    (runIds) => runIds.length > 0,
    "a claim to lease the job",
    30_000,
  );
  return leased[0]!;
}

async function statusOf(runId: string): Promise<string | undefined> {
  const result = await admin.query(`SELECT status FROM ${SCHEMA}.runs WHERE run_id = $1`, [runId]);
  return result.rows[0]?.status as string | undefined;
}

describe.sequential("the claim connection across server faults (scratch cluster)", () => {
  for (const fault of ["restart -m fast", "stop -m immediate, then start"] as const) {
    it(`${fault}: the lost claim connection is replaced, a pending completion is retried, claims lease again`, async () => {
      // As the README writes a pool: no 'error' listener of its own.
      const pool = new pg.Pool({ connectionString: cluster.url, max: MAX });
      const host = new RecordingHost([runtimeJobDescriptor("emails.send")]);
      const store = postgresStore({ pool, schema: SCHEMA, pollIntervalMs: 60_000 });
      try {
        await store.open(host);
        const before = await enqueueAndClaim(store);

        if (fault === "restart -m fast") {
          await cluster.restartFast();
        } else {
          await cluster.stopImmediate();
          // With the server down, a claim fails (logged) and hands out nothing.
          expect(await store.claimDueRuns(Date.now(), 8)).toEqual([]);
          expect(host.warnings).toContain(
            "postgresStore: claiming or completing runs failed; retrying",
          );
          await cluster.start();
        }

        // Reported after the fault: written by the batcher's retries once the server answers.
        const completed = store.completeRun(before, {
          status: "succeeded",
          message: null,
          startedAtMs: Date.now(),
          completedAtMs: Date.now(),
        });
        const after = await enqueueAndClaim(store);
        expect(after.claimed.runId).not.toBe(before.claimed.runId);
        expect(await completed).toBe(true);
        expect(await statusOf(before.claimed.runId)).toBe("succeeded");
        // The claim connection that died was replaced, not leaked.
        expect(pool.totalCount).toBeLessThanOrEqual(MAX);
        expect(host.warnings.some((m) => m.includes("claim connection was lost"))).toBe(true);
      } finally {
        await store.close();
        await pool.end();
        await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
      }
    }, 120_000);
  }

  it("with the server down, a failed look-ahead claim is not retried at once (no spin); the dispatcher's retry wake claims again", async () => {
    const pool = new pg.Pool({ connectionString: cluster.url, max: MAX });
    const clock = new ManualClock(new Date());
    const host = new RecordingHost([runtimeJobDescriptor("emails.send")], { clock });
    const store = postgresStore({ pool, schema: SCHEMA, pollIntervalMs: 60_000 });
    let down = false;
    const failures = (): number =>
      host.warnings.filter(
        (m) => m === "postgresStore: claiming or completing runs failed; retrying",
      ).length;
    try {
      await store.open(host);
      expect(await store.claimDueRuns(clock.now(), 8)).toEqual([]);
      await store.insertJob({ ...dueJob(), dueTimeMs: clock.now() + 30 });
      await cluster.stopImmediate();
      down = true;
      // The dispatcher is about to sleep: the run is due within the lead, so the store claims ahead.
      void store.nextDueTime();
      await waitForState(
        async () => failures(),
        (n) => n >= 1,
        "the look-ahead claim to fail",
      );
      // Retrying at once would fail again within a millisecond or two, over and over.
      const spun = await waitForState(
        async () => failures(),
        (n) => n > 1,
        "another failure",
        300,
      ).then(
        () => true,
        () => false,
      );
      expect(spun).toBe(false);

      await cluster.start();
      down = false;
      const wakes = host.wakeCount;
      await clock.advance(500);
      expect(host.wakeCount).toBeGreaterThan(wakes);
      const leased: string[] = [];
      await waitForState(
        async () => {
          for (const run of await store.claimDueRuns(clock.now(), 8)) leased.push(run.runId);
          return leased.length;
        },
        (n) => n === 1,
        "the dispatcher's claim to lease the run once the server is back",
        30_000,
      );
    } finally {
      if (down) await cluster.start();
      await store.close();
      await pool.end();
      await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    }
  }, 120_000);
});
