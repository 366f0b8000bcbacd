/**
 * Gates that hold across the cluster on PostgreSQL (docs/semantics.md, "Overlap and
 * concurrency"): two worker processes (child processes on the built runtime; run `pnpm build`
 * first) run a recurring job every second whose runs take 1.5 s, under the default overlap "skip".
 * Each process claims the slots the other did not, so only the cluster-wide gate keeps a slot from
 * starting while the previous run still executes in the other process.
 *
 * Gates where a run waits (group, overlap "queue") are tested with two schedulers in this process,
 * each with its own store and pool — to the database, two workers — so the bodies' overlap is
 * counted exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createScheduler,
  defineJobDescriptors,
  defineJobRegistry,
  type JobScheduler,
} from "../../../src/index.js";
import { postgresStore } from "../../../src/stores/postgres/index.js";
import { GateSlots } from "../../../src/stores/postgres/gate-slots.js";
import type { JobDescriptor } from "../../../src/index.js";
import { descriptor } from "../../support/test-registry.js";
import {
  createTestSchema,
  TEST_DATABASE_URL,
  waitForState,
  type TestSchema,
} from "./support/test-database.js";
import { WorkerProcess, type WorkerMessage } from "./support/worker-process.js";

let db: TestSchema;

beforeAll(async () => {
  db = await createTestSchema("clustergates");
});
afterAll(async () => {
  await db?.drop();
});

describe("cluster-wide gates on PostgreSQL", () => {
  it('overlap "skip": a recurring run executing in one process makes the other skip the next slot; no two bodies overlap', async () => {
    const config = {
      databaseUrl: TEST_DATABASE_URL,
      schema: db.schema.name,
      slowRecurring: true,
      leaseMs: 3_000,
      heartbeatMs: 1_000,
    };
    const workers = await Promise.all([
      WorkerProcess.start({ ...config, name: "a" }),
      WorkerProcess.start({ ...config, name: "b" }),
    ]);
    try {
      const windows = (): WorkerMessage[] =>
        workers.flatMap((w) => w.of("window").map((m) => ({ ...m, worker: w.name })));
      await WorkerProcess.until(
        workers,
        () => windows().length >= 5,
        "five runs of the slow recurring job",
        20_000,
      );
      await Promise.all(workers.map((w) => w.stop()));

      const sorted = windows().sort((x, y) => x.startedMs! - y.startedMs!);
      const overlaps = sorted.slice(1).filter((run, i) => run.startedMs! < sorted[i]!.endedMs!);
      expect(
        overlaps.map(
          (run) => `${run.worker} started at ${run.startedMs} before the previous run ended`,
        ),
      ).toEqual([]);
      // Both processes ran slots (so the gate, not a single winner of every claim, kept them apart).
      expect(new Set(sorted.map((run) => run.worker)).size).toBe(2);
      // Slots were skipped, not queued: a run starts in the slot right after the previous one ended.
      for (let i = 1; i < sorted.length; i++)
        expect(sorted[i]!.dueMs! - sorted[i - 1]!.dueMs!).toBe(2_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  }, 40_000);

  it("maxConcurrentRuns: two processes (stores) run at most the cap at once between them; the rest are skipped", async () => {
    const capped = descriptor("reports.capped", {
      overlap: "allow-concurrent",
      overlapExplicit: true,
      maxConcurrentRuns: 2,
      dependencies: [],
      validatePayload: null,
    });
    let running = 0;
    let mostAtOnce = 0;
    let bodiesStarted = 0;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const body = async (): Promise<void> => {
      running += 1;
      bodiesStarted += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await released;
      running -= 1;
    };
    const worker = (): JobScheduler =>
      createScheduler({
        registry: defineJobRegistry([{ descriptor: capped, jobClass: class {}, invoke: body }], []),
        services: () => ({}),
        // Three leases each: the six jobs are shared between the two workers.
        store: postgresStore({
          pool: db.openPool(4),
          schema: db.schema.name,
          maxLeasedRuns: 3,
          pollIntervalMs: 60_000,
        }),
        logger: { warn: () => undefined, error: () => undefined },
        maxConcurrentExecutions: 8,
      });
    const workers = [worker(), worker()];
    const producer: JobScheduler = createScheduler({
      registry: defineJobDescriptors([capped], []),
      store: postgresStore({ pool: db.pool, schema: db.schema.name, pollIntervalMs: 60_000 }),
      logger: { warn: () => undefined, error: () => undefined },
    });
    try {
      await Promise.all([...workers, producer].map((s) => s.start()));
      const handles = await producer.enqueueMany(
        "reports.capped",
        Array.from({ length: 6 }, (_, i) => ({ i })),
      );
      const ids = handles.map((h) => h.jobId);
      const statuses = async (): Promise<string[]> =>
        (await Promise.all(ids.map((id) => producer.getJob(id)))).map(
          (state) => state?.status ?? "missing",
        );
      await waitForState(
        statuses,
        // "running" is recorded just before a body starts: wait for the bodies too.
        (s) =>
          s.filter((x) => x === "skipped").length === 4 &&
          s.filter((x) => x === "running").length === 2 &&
          bodiesStarted === 2,
        "two running, four skipped",
      );
      expect(mostAtOnce).toBe(2);
      release();
      const final = await waitForState(
        statuses,
        (s) => s.every((x) => x === "succeeded" || x === "skipped"),
        "every job to end",
      );
      expect(final.filter((x) => x === "succeeded")).toHaveLength(2);
      const skipped = await db.pool.query(
        `SELECT message FROM ${db.schema.quoted}.runs WHERE status = 'skipped'`,
      );
      expect(skipped.rows.map((row) => row.message)).toEqual(Array(4).fill("max-concurrency"));
    } finally {
      release();
      await Promise.all([...workers, producer].map((s) => s.stop()));
    }
  });
});

/** A body window of a waiting-gate test: which job, which worker, when. */
interface BodyWindow {
  readonly jobId: string;
  readonly worker: number;
  readonly startedMs: number;
  endedMs: number;
}

/**
 * Two workers (schedulers with their own store on the test schema) and a producer, running `jobs`
 * whose bodies last `bodyMs` (a stand-in for work, not a synchronisation) and are recorded.
 */
function cluster(
  jobs: readonly JobDescriptor[],
  options: { bodyMs: number; leaseMs?: number; gate?: Promise<void> },
): {
  workers: JobScheduler[];
  producer: JobScheduler;
  windows: BodyWindow[];
  mostAtOnce: () => number;
  stop: () => Promise<void>;
} {
  const windows: BodyWindow[] = [];
  let running = 0;
  let most = 0;
  const worker = (index: number): JobScheduler =>
    createScheduler({
      registry: defineJobRegistry(
        jobs.map((job) => ({
          descriptor: job,
          jobClass: class {},
          invoke: async (_services: unknown, _payload: unknown, context: { jobId: string }) => {
            running += 1;
            most = Math.max(most, running);
            const window = {
              jobId: context.jobId,
              worker: index,
              startedMs: Date.now(),
              endedMs: 0,
            };
            windows.push(window);
            await options.gate;
            await new Promise((resolve) => setTimeout(resolve, options.bodyMs));
            window.endedMs = Date.now();
            running -= 1;
          },
        })),
        [],
      ),
      services: () => ({}),
      store: postgresStore({
        pool: db.openPool(4),
        schema: db.schema.name,
        maxLeasedRuns: 4,
        // No poll and a long lease: a waiter that moves on does so because it was notified.
        pollIntervalMs: 60_000,
        leaseMs: options.leaseMs ?? 60_000,
      }),
      logger: { warn: () => undefined, error: () => undefined },
      maxConcurrentExecutions: 4,
    });
  const workers = [worker(0), worker(1)];
  const producer = createScheduler({
    registry: defineJobDescriptors(jobs, []),
    store: postgresStore({ pool: db.pool, schema: db.schema.name, pollIntervalMs: 60_000 }),
    logger: { warn: () => undefined, error: () => undefined },
  });
  return {
    workers,
    producer,
    windows,
    mostAtOnce: () => most,
    stop: async () => {
      await Promise.all([...workers, producer].map((s) => s.stop()));
    },
  };
}

const waitingJob = (name: string, overrides: Partial<JobDescriptor>): JobDescriptor =>
  descriptor(name, { dependencies: [], validatePayload: null, ...overrides });

async function statusesOf(producer: JobScheduler, ids: readonly string[]): Promise<string[]> {
  return (await Promise.all(ids.map((id) => producer.getJob(id)))).map(
    (state) => state?.status ?? "missing",
  );
}

/** Bodies that started before the previous one (in start order) ended. */
function overlapsOf(windows: readonly BodyWindow[]): string[] {
  const sorted = [...windows].sort((x, y) => x.startedMs - y.startedMs);
  return sorted
    .slice(1)
    .filter((window, i) => window.startedMs < sorted[i]!.endedMs)
    .map(
      (window) => `worker ${window.worker} started ${window.jobId} before the previous body ended`,
    );
}

describe("cluster-wide gates a run waits for, on PostgreSQL", () => {
  it("group: two workers never run two bodies of the group at once; every job runs exactly once", async () => {
    const jobs = [
      waitingJob("grouped.a", { group: "reports" }),
      waitingJob("grouped.b", { group: "reports" }),
    ];
    const c = cluster(jobs, { bodyMs: 40 });
    try {
      await Promise.all([...c.workers, c.producer].map((s) => s.start()));
      const handles = [
        ...(await c.producer.enqueueMany(
          "grouped.a",
          Array.from({ length: 8 }, (_, i) => ({ i })),
        )),
        ...(await c.producer.enqueueMany(
          "grouped.b",
          Array.from({ length: 8 }, (_, i) => ({ i })),
        )),
      ];
      const ids = handles.map((h) => h.jobId);
      await waitForState(
        () => statusesOf(c.producer, ids),
        (s) => s.every((x) => x === "succeeded"),
        "all sixteen jobs to succeed",
        20_000,
      );
      expect(overlapsOf(c.windows)).toEqual([]);
      expect(c.mostAtOnce()).toBe(1);
      expect(c.windows.map((w) => w.jobId).sort()).toEqual([...ids].sort());
      // Both workers ran bodies: the cluster gate, not one worker winning every claim, kept them apart.
      expect(new Set(c.windows.map((w) => w.worker)).size).toBe(2);
      const left = await db.pool.query(
        `SELECT (SELECT count(*) FROM ${db.schema.quoted}.gate_slots)::int AS slots,
                (SELECT count(*) FROM ${db.schema.quoted}.gate_waiters)::int AS waiters`,
      );
      expect(left.rows[0]).toEqual({ slots: 0, waiters: 0 });
    } finally {
      await c.stop();
    }
  }, 30_000);

  it('overlap "queue": two workers run a queued job one body at a time, each job once, no slot lost', async () => {
    const jobs = [waitingJob("serial.sync", { overlap: "queue", overlapExplicit: true })];
    const c = cluster(jobs, { bodyMs: 40 });
    try {
      await Promise.all([...c.workers, c.producer].map((s) => s.start()));
      const handles = await c.producer.enqueueMany(
        "serial.sync",
        Array.from({ length: 12 }, (_, i) => ({ i })),
      );
      const ids = handles.map((h) => h.jobId);
      await waitForState(
        () => statusesOf(c.producer, ids),
        (s) => s.every((x) => x === "succeeded"),
        "all twelve jobs to succeed",
        20_000,
      );
      expect(overlapsOf(c.windows)).toEqual([]);
      expect(c.windows.map((w) => w.jobId).sort()).toEqual([...ids].sort());
      expect(new Set(c.windows.map((w) => w.worker)).size).toBe(2);
      const left = await db.pool.query(
        `SELECT (SELECT count(*) FROM ${db.schema.quoted}.gate_slots)::int AS slots,
                (SELECT count(*) FROM ${db.schema.quoted}.gate_waiters)::int AS waiters`,
      );
      expect(left.rows[0]).toEqual({ slots: 0, waiters: 0 });
    } finally {
      await c.stop();
    }
  }, 30_000);

  it("a holder that died (its slot's lease expires) lets the waiter proceed within a bounded time", async () => {
    const jobs = [waitingJob("orphaned.report", { group: "orphaned" })];
    // leaseMs 1.5 s: the waiter asks again at least every 500 ms.
    const c = cluster(jobs, { bodyMs: 1, leaseMs: 1_500 });
    try {
      await Promise.all([...c.workers, c.producer].map((s) => s.start()));
      const expiry = await db.pool.query<{ expires: Date }>(
        `INSERT INTO ${db.schema.quoted}.gate_slots (gate, slot, owner, run_id, lease_expires_at)
         VALUES ('group:orphaned', 0, 'a-worker-that-died', 'its-run', now() + interval '1 second')
         RETURNING lease_expires_at AS expires`,
      );
      const expiresMs = expiry.rows[0]!.expires.getTime();
      const { jobId } = await c.producer.enqueue("orphaned.report", {});
      await waitForState(
        async () => (await c.producer.getJob(jobId))?.status,
        (status) => status === "succeeded",
        "the waiting job to run once the dead holder's lease expired",
        10_000,
      );
      expect(c.windows).toHaveLength(1);
      // Not before the lease expired (50 ms for the clocks of node and the server)…
      expect(c.windows[0]!.startedMs).toBeGreaterThanOrEqual(expiresMs - 50);
      // …and within one fallback ask (leaseMs / 3) after it, with room for a loaded machine.
      expect(c.windows[0]!.startedMs - expiresMs).toBeLessThan(2_500);
    } finally {
      await c.stop();
    }
  }, 20_000);

  it("cancel of a run waiting for a cluster gate answers true and it never starts; stop() does not wait for waiters", async () => {
    const jobs = [waitingJob("blocked.report", { group: "blocked" })];
    const c = cluster(jobs, { bodyMs: 1 });
    try {
      await Promise.all([...c.workers, c.producer].map((s) => s.start()));
      // Another (live) worker holds the group's only slot for the whole test.
      await db.pool.query(
        `INSERT INTO ${db.schema.quoted}.gate_slots (gate, slot, owner, run_id, lease_expires_at)
         VALUES ('group:blocked', 0, 'a-busy-worker', 'its-run', now() + interval '1 hour')`,
      );
      const { jobId: cancelled } = await c.producer.enqueue("blocked.report", {});
      const { jobId: stopped } = await c.producer.enqueue("blocked.report", {});
      const waiters = async (): Promise<number> =>
        (
          await db.pool.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${db.schema.quoted}.gate_waiters WHERE gate = 'group:blocked'`,
          )
        ).rows[0]!.n;
      // One waits at the cluster gate; the other behind it at its worker's own group gate, or at
      // the cluster gate too when the other worker claimed it.
      await waitForState(waiters, (n) => n >= 1, "a run waiting for the group's cluster gate");
      expect(await c.producer.cancelJob(cancelled)).toBe(true);
      await waitForState(
        async () => (await c.producer.getJob(cancelled))?.status,
        (status) => status === "cancelled",
        "the waiting run to end cancelled",
      );
      await waitForState(
        waiters,
        (n) => n === 1,
        "the cancelled run's place given up, the other waiting",
      );
      const before = Date.now();
      await Promise.all(c.workers.map((w) => w.stop()));
      expect(Date.now() - before).toBeLessThan(5_000);
      expect(await waiters()).toBe(0);
      // The run that waited at stop goes back to the queue for another worker; no body started.
      expect((await c.producer.getJob(stopped))?.status).toBe("queued");
      expect(c.windows).toEqual([]);
    } finally {
      await c.stop();
    }
  }, 20_000);
});

describe("the waiting statements (await-gate-slot.sql) on their own", () => {
  it("first asked, first served; capacity 2 lets two through; one recurring slot waits, later ones coalesce", async () => {
    // A store opened once migrates the schema (the tests above may have run without this one).
    const opener = createScheduler({
      registry: defineJobDescriptors([], []),
      store: postgresStore({ pool: db.pool, schema: db.schema.name, pollIntervalMs: 60_000 }),
      logger: { warn: () => undefined, error: () => undefined },
    });
    await opener.start();
    await opener.stop();
    const a = new GateSlots(db.schema, db.pool, "worker-a", 60_000);
    const b = new GateSlots(db.schema, db.pool, "worker-b", 60_000);
    const ask = (slots: GateSlots, runId: string, capacity = 1, coalesces = false) =>
      slots.ask({ gate: "group:order", capacity, runId, coalesces });

    const holder = await ask(a, "holder");
    expect(holder).toMatchObject({ slot: 0 });
    expect(await ask(a, "first")).toBe("waiting");
    expect(await ask(b, "second")).toBe("waiting");
    // A run that would skip (overlap "skip") skips while runs wait, as in one process.
    expect(await a.acquire({ gate: "group:order", capacity: 1, runId: "skipper" })).toBeNull();
    await a.release(holder as Exclude<typeof holder, string>);
    // The later waiter asks first: it stays behind the earlier one.
    expect(await ask(b, "second")).toBe("waiting");
    const first = await ask(a, "first");
    expect(first).toMatchObject({ slot: 0, runId: "first" });
    await a.release(first as Exclude<typeof first, string>);
    const second = await ask(b, "second");
    expect(second).toMatchObject({ slot: 0, runId: "second" });
    await b.release(second as Exclude<typeof second, string>);

    // Capacity 2: two take a slot, the third waits until one frees.
    const one = await ask(a, "one", 2);
    const two = await ask(b, "two", 2);
    expect([one, two]).toMatchObject([{ slot: 0 }, { slot: 1 }]);
    expect(await ask(a, "three", 2)).toBe("waiting");
    await b.release(two as Exclude<typeof two, string>);
    expect(await ask(a, "three", 2)).toMatchObject({ slot: 1 });

    // Overlap "queue": one recurring slot waits across the cluster; a later one is coalesced.
    await db.pool.query(`DELETE FROM ${db.schema.quoted}.gate_slots`);
    const running = await ask(a, "recurring-running", 1, true);
    expect(running).toMatchObject({ slot: 0 });
    expect(await ask(a, "recurring-waiting", 1, true)).toBe("waiting");
    expect(await ask(b, "recurring-late", 1, true)).toBe("coalesced");
    // …while a non-recurring run (a catch-up slot, a runtime run) still queues.
    expect(await ask(b, "catch-up", 1, false)).toBe("waiting");
    await a.withdraw("group:order", "recurring-waiting");
    await b.withdraw("group:order", "catch-up");
    const left = await db.pool.query(
      `SELECT count(*)::int AS n FROM ${db.schema.quoted}.gate_waiters`,
    );
    expect(left.rows[0].n).toBe(0);
    await db.pool.query(`DELETE FROM ${db.schema.quoted}.gate_slots`);
  });
});
