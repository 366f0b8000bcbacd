/**
 * The fault suite: PostgreSQL restarted (`-m fast`) and crashed (`stop -m immediate`, then started)
 * under load, and a worker process killed with `kill -9`, on a cluster this file creates on a free
 * port and drops afterwards (never the shared server on 5432). Workers are child processes on the
 * built runtime (run `pnpm build` first), one with a user-supplied `pg.Pool` that has no 'error'
 * listener (the README's snippet) and one with a `connectionString`. Each scenario ends by
 * accounting for every job. Set ELARION_FAULT_FIGURES=1 to print the measured figures
 * (docs/reliability.md).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createScheduler,
  defineJobDescriptors,
  type JobRunHandle,
  type JobScheduler,
} from "../../../../src/index.js";
import { postgresStore } from "../../../../src/stores/postgres/index.js";
import { schemaName } from "../../../../src/stores/postgres/schema-name.js";
import pg from "pg";
import { ScratchCluster } from "../support/scratch-cluster.js";
import { waitForState } from "../support/test-database.js";
import { WorkerProcess, type WorkerConfig } from "../support/worker-process.js";
// @ts-expect-error -- plain .mjs shared with the worker processes
import { workerDescriptors } from "../workers/worker-jobs.mjs";

const LEASE = { leaseMs: 2_000, heartbeatMs: 500, pollIntervalMs: 250 } as const;
const FIGURES = process.env["ELARION_FAULT_FIGURES"] === "1";

let cluster: ScratchCluster;
let admin: pg.Pool;

beforeAll(async () => {
  cluster = await ScratchCluster.create("faults");
  admin = new pg.Pool({ connectionString: cluster.url, max: 2 });
  admin.on("error", () => undefined);
}, 60_000);

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await cluster?.drop();
  if (cluster !== undefined) expect(await cluster.listed()).toBe(false);
});

/** One scenario's schema, enqueuer (this process, `connectionString`) and worker processes. */
class Scenario {
  readonly workers: WorkerProcess[] = [];
  readonly schema;
  enqueuer!: JobScheduler;

  constructor(tag: string) {
    this.schema = schemaName(`faults_${tag}`);
  }

  async start(): Promise<void> {
    await admin.query(`DROP SCHEMA IF EXISTS ${this.schema.quoted} CASCADE`);
    this.enqueuer = createScheduler({
      registry: defineJobDescriptors(workerDescriptors(), []),
      store: postgresStore({ connectionString: cluster.url, schema: this.schema.name }),
      logger: { warn: () => undefined, error: () => undefined },
      // Retention runs in every process's poll: keep every finished job, so each can be accounted for.
      maxRetainedCompletedJobs: 100_000,
    });
    await this.enqueuer.start();
  }

  async worker(name: string, options: Partial<WorkerConfig>): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start({
      databaseUrl: cluster.url,
      schema: this.schema.name,
      name,
      concurrency: 8,
      ...LEASE,
      ...options,
    });
    this.workers.push(worker);
    return worker;
  }

  enqueueMany(count: number, holdMs: number, from = 0): Promise<JobRunHandle[]> {
    return Promise.all(
      Array.from({ length: count }, (_, i) =>
        this.enqueuer.enqueue("slow.block", { i: from + i, holdMs }),
      ),
    );
  }

  /**
   * Enqueues right after a fault, when a pooled connection may still turn out dead: each enqueue
   * is retried with its key (docs/postgres.md, "Lost acknowledgements"), so a retry of one that
   * did commit finds it instead of adding a second job.
   */
  async enqueueKeyed(count: number, holdMs: number, from: number): Promise<JobRunHandle[]> {
    const enqueueOne = async (i: number): Promise<JobRunHandle> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.enqueuer.enqueue(
            "slow.block",
            { i: from + i, holdMs },
            { key: `after-${from + i}` },
          );
        } catch (error) {
          if (attempt === 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    };
    return Promise.all(Array.from({ length: count }, (_, i) => enqueueOne(i)));
  }

  /** Completed body executions per job id, over every worker. */
  ranPerJob(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const message of this.workers.flatMap((w) => w.of("ran")))
      counts.set(message.jobId!, (counts.get(message.jobId!) ?? 0) + 1);
    return counts;
  }

  async statusCounts(): Promise<Record<string, number>> {
    const result = await admin.query(
      `SELECT r.status, count(*)::int AS n FROM ${this.schema.quoted}.jobs j JOIN ${this.schema.quoted}.runs r ON r.run_id = j.current_run_id GROUP BY r.status`,
    );
    return Object.fromEntries(result.rows.map((row) => [row.status, row.n]));
  }

  /**
   * Waits until every job has succeeded in the database and every body's report arrived, and
   * answers how many ran more than once (allowed: at-least-once) — none is lost or stuck.
   */
  async accountFor(
    handles: readonly JobRunHandle[],
    timeoutMs = 60_000,
  ): Promise<{ duplicated: number }> {
    const counts = await waitForState(
      () => this.statusCounts().catch(() => ({}) as Record<string, number>),
      (c) => c["succeeded"] === handles.length,
      `all ${handles.length} jobs to succeed`,
      timeoutMs,
    );
    expect(counts).toEqual({ succeeded: handles.length });
    const unreported = (): JobRunHandle[] => {
      const ran = this.ranPerJob();
      return handles.filter((h) => !ran.has(h.jobId));
    };
    await WorkerProcess.until(
      this.workers,
      () => unreported().length === 0,
      "a run report for every job",
      10_000,
    ).catch(() => undefined);
    expect(unreported()).toEqual([]);
    return { duplicated: [...this.ranPerJob().values()].filter((n) => n > 1).length };
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
    await this.enqueuer?.stop();
    await admin.query(`DROP SCHEMA IF EXISTS ${this.schema.quoted} CASCADE`).catch(() => undefined);
  }
}

/**
 * Every worker finishes a body that it started after the fault (`startedBefore`: how many starts it
 * had reported by then): it reconnected and claims, starts and completes again.
 */
async function allWorkingAgain(
  scenario: Scenario,
  startedBefore: Map<WorkerProcess, number>,
): Promise<void> {
  const workingAgain = (worker: WorkerProcess): boolean => {
    const fresh = new Set(
      worker
        .of("started")
        .slice(startedBefore.get(worker))
        .map((m) => m.jobId),
    );
    return worker.of("ran").some((m) => fresh.has(m.jobId));
  };
  await WorkerProcess.until(
    scenario.workers,
    () => scenario.workers.every(workingAgain),
    "every worker to run a job it started after the fault",
    40_000,
  );
}

function figure(line: string): void {
  if (FIGURES) console.info(`[fault figure] ${line}`);
}

describe.sequential("PostgreSQL faults under load (scratch cluster)", () => {
  for (const fault of ["restart -m fast", "stop -m immediate, then start"] as const) {
    it(`${fault}: workers with a given pool (no 'error' listener) and with a connectionString survive; every job runs`, async () => {
      const scenario = new Scenario(fault.startsWith("restart") ? "restart" : "crash");
      try {
        await scenario.start();
        const [given, owned] = await Promise.all([
          scenario.worker("given-pool", { poolMode: "bare-pool" }),
          scenario.worker("connection-string", { poolMode: "connection-string" }),
        ]);
        // 30 ms bodies, 16 slots: about three seconds of work, so the fault lands mid-run.
        const before = await scenario.enqueueMany(1_500, 30);
        await WorkerProcess.until(
          scenario.workers,
          () => scenario.ranPerJob().size >= 100,
          "some progress before the fault",
          30_000,
        );
        expect(given.of("ran").length).toBeGreaterThan(0);

        const faultAt = Date.now();
        if (fault === "restart -m fast") {
          await cluster.restartFast();
        } else {
          await cluster.stopImmediate();
          await cluster.start();
        }
        const backAt = Date.now();
        const startedBefore = new Map(
          scenario.workers.map((w) => [w, w.of("started").length] as const),
        );
        // New work after the fault is woken and run too (the LISTEN connections are back).
        const after = await scenario.enqueueKeyed(200, 5, 1_500);
        await allWorkingAgain(scenario, startedBefore);
        const workingAt = Date.now();
        expect(given.exited).toBe(false);
        expect(owned.exited).toBe(false);

        const { duplicated } = await scenario.accountFor([...before, ...after]);
        expect(given.exited).toBe(false);
        expect(owned.exited).toBe(false);
        figure(
          `${fault}: 1700 jobs, lost 0, duplicated ${duplicated}, server down/up ${backAt - faultAt} ms, ` +
            `every worker running again ${workingAt - backAt} ms after the server was back`,
        );
      } finally {
        await scenario.stop();
      }
    }, 120_000);
  }

  it("kill -9 of a worker under load: the other worker runs its leased jobs after one lease; every job runs", async () => {
    const scenario = new Scenario("kill9");
    try {
      await scenario.start();
      // The doomed worker's bodies run until aborted: when it dies it surely holds started runs.
      const [doomed, survivor] = await Promise.all([
        scenario.worker("doomed", { holdSlowJobs: true }),
        scenario.worker("survivor", {}),
      ]);
      const handles = await scenario.enqueueMany(600, 20);
      await doomed.until(
        () => doomed.of("started").length >= 8,
        "the doomed worker to fill its 8 slots",
      );
      await doomed.kill9();
      const killedAt = Date.now();
      // Runs the dead worker had started and not finished: their lease must expire first.
      const finishedByDoomed = new Set(doomed.of("ran").map((m) => m.jobId!));
      const orphans = doomed.of("started").filter((m) => !finishedByDoomed.has(m.jobId!));
      expect(orphans.length).toBeGreaterThan(0);

      await survivor.until(
        () => orphans.every((o) => survivor.of("ran").some((m) => m.jobId === o.jobId)),
        "the survivor to run every orphaned job",
        40_000,
      );
      const recoveredAt = Date.now();
      const { duplicated } = await scenario.accountFor(handles);
      // The dead worker finished no body, so nothing ran twice.
      expect(doomed.of("ran")).toEqual([]);
      expect(duplicated).toBe(0);
      expect(recoveredAt - killedAt).toBeGreaterThanOrEqual(LEASE.leaseMs - LEASE.heartbeatMs);
      figure(
        `kill -9: 600 jobs, ${orphans.length} orphaned runs, lost 0, duplicated ${duplicated}, ` +
          `orphans all run again ${recoveredAt - killedAt} ms after the kill (lease ${LEASE.leaseMs} ms)`,
      );
    } finally {
      await scenario.stop();
    }
  }, 120_000);
});
