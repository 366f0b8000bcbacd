import { Redis } from "ioredis";
import { bullmqCancelSystem, REDIS_URL } from "../peers/bullmq-cancel-system.js";
import type { CancelSystem } from "../peers/cancel-system.js";
import { elarionCancelSystem } from "../peers/elarion-cancel-system.js";
import { graphileWorkerCancelSystem } from "../peers/graphile-worker-cancel-system.js";
import { sized, type BenchMode } from "../support/bench-mode.js";
import { formatNumber, formatRatio, type Figure, type SuiteReport } from "../support/figure.js";
import { loadAverageText } from "../support/load-average.js";
import { median } from "../support/statistics.js";
import { timeAsync, withDeadline } from "../support/stopwatch.js";

const SUITE = "5c. cancels of queued jobs";

/**
 * How the N cancels are issued: each awaited before the next (the latency of one cancel), all
 * issued at once (what the client and its pool make of many concurrent callers), or one bulk call.
 */
const CANCEL_MODES = ["one by one", "all at once", "bulk"] as const;
type CancelMode = (typeof CANCEL_MODES)[number];

interface SystemRuns {
  readonly system: CancelSystem<unknown>;
  readonly rates: Record<CancelMode, number[]>;
}

/**
 * Suite 5c: cancels per second of jobs waiting in the queue (no worker running), Elarion's
 * `cancelJob` against graphile-worker's `permanentlyFailJobs` on the same PostgreSQL and BullMQ's
 * `Job.remove()` on the machine's Redis. Per run and system: a fresh schema or queue; for each mode,
 * N jobs enqueued (not timed), then N cancels timed, then checked (every cancel reported as taken
 * effect, none of the N still queued).
 */
export async function runQueuedCancelsSuite(mode: BenchMode): Promise<SuiteReport> {
  const jobCount = sized(mode, 2_000, 300);
  const runCount = sized(mode, 3, 1);
  const redis = await redisVersion();
  const systems: SystemRuns[] = [
    elarionCancelSystem(),
    graphileWorkerCancelSystem(),
    ...(redis.reachable ? [bullmqCancelSystem()] : []),
  ].map((system) => ({
    system: system as CancelSystem<unknown>,
    rates: { "one by one": [], "all at once": [], bulk: [] },
  }));
  const loads: string[] = [];

  for (let run = 0; run < runCount; run += 1) {
    for (let index = 0; index < systems.length; index += 1) {
      const entry = systems[(index + run) % systems.length]!;
      await entry.system.prepare();
      try {
        for (const cancelMode of CANCEL_MODES) {
          const rate = await measureCancels(entry.system, cancelMode, jobCount);
          if (rate !== null) entry.rates[cancelMode].push(rate);
        }
      } finally {
        await entry.system.close();
      }
      const measured = CANCEL_MODES.filter((cancelMode) => entry.rates[cancelMode].length > run);
      process.stdout.write(
        `   run ${run + 1}: ${entry.system.name}: ${measured.map((m) => `${m} ${formatNumber(entry.rates[m].at(-1)!)} cancels/s`).join(", ")}\n`,
      );
    }
    loads.push(loadAverageText());
  }

  const [ours, ...peers] = systems as [SystemRuns, ...SystemRuns[]];
  const figures: Figure[] = [];
  for (const cancelMode of ["one by one", "all at once"] as const) {
    for (const peer of peers) {
      const ratio = median(ours.rates[cancelMode]) / median(peer.rates[cancelMode]);
      const needed =
        cancelMode !== "one by one" ? null : peer.system.name === "graphile-worker" ? 2 : 1;
      figures.push({
        suite: SUITE,
        measure: `cancels/s of ${jobCount.toLocaleString("en-US")} queued jobs, ${cancelMode === "one by one" ? "one by one, each awaited" : "all issued at once (Promise.all of single cancels)"} (median of ${runCount})`,
        ours: `${formatNumber(median(ours.rates[cancelMode]))} cancels/s`,
        baseline: `${peer.system.name}: ${formatNumber(median(peer.rates[cancelMode]))} cancels/s`,
        ratio: formatRatio(ratio),
        target: needed === null ? "—" : `≥ ${needed}× ${peer.system.name}`,
        met: needed === null ? null : ratio >= needed,
      });
    }
    if (!redis.reachable) {
      figures.push({
        suite: SUITE,
        measure: `cancels/s, ${cancelMode}`,
        ours: "—",
        baseline: `BullMQ: not measured (${redis.text})`,
        ratio: "—",
        target: "—",
        met: null,
      });
    }
  }
  for (const peer of peers.filter((entry) => entry.system.cancelBulk !== null)) {
    const ratio = median(ours.rates.bulk) / median(peer.rates.bulk);
    figures.push({
      suite: SUITE,
      measure: `cancels/s of ${jobCount.toLocaleString("en-US")} queued jobs in one bulk call (median of ${runCount})`,
      ours:
        ours.system.cancelBulk === null
          ? "no bulk cancel API"
          : `${formatNumber(median(ours.rates.bulk))} cancels/s`,
      baseline: `${peer.system.name}: ${formatNumber(median(peer.rates.bulk))} cancels/s`,
      ratio: ours.system.cancelBulk === null ? "—" : formatRatio(ratio),
      target: "—",
      met: null,
    });
  }
  return {
    suite: SUITE,
    figures,
    notes: [
      `Cancels of queued jobs: per run and system a fresh schema (PostgreSQL) or an obliterated queue (Redis ${redis.text}); for each mode ${jobCount} no-op jobs due now are enqueued ` +
        `with no worker running (not timed), then cancelled (timed): "one by one" awaits each cancel before the next, "all at once" issues all ${jobCount} single cancels together ` +
        `and awaits them all (each client's pool or pipeline decides how many travel at once), "bulk" is one call with every id where the system has one. ` +
        `Each mode is checked: every cancel reported as taken effect and none of the ${jobCount} jobs still queued. ${runCount} runs, systems in rotating order; ` +
        `load average after each run: ${loads.join("; ")}.`,
      ...systems.map(
        (entry) =>
          `${entry.system.name} cancels: ${entry.system.settings}. Runs, cancels/s: ${CANCEL_MODES.filter(
            (m) => entry.rates[m].length > 0,
          )
            .map((m) => `${m} ${entry.rates[m].map((rate) => formatNumber(rate)).join(", ")}`)
            .join("; ")}.`,
      ),
    ],
  };
}

/** Enqueues `jobCount` jobs, times their cancels in `cancelMode`, checks them; `null` when the system has no such mode. */
async function measureCancels(
  system: CancelSystem<unknown>,
  cancelMode: CancelMode,
  jobCount: number,
): Promise<number | null> {
  const cancelBulk = system.cancelBulk;
  if (cancelMode === "bulk" && cancelBulk === null) return null;
  const handles = await withDeadline(
    system.enqueueQueued(jobCount),
    120_000,
    `${system.name}: enqueue of ${jobCount} jobs to cancel`,
  );
  let cancelled = 0;
  const cancelAll = async (): Promise<void> => {
    if (cancelMode === "one by one") {
      for (const handle of handles) if (await system.cancelOne(handle)) cancelled += 1;
    } else if (cancelMode === "all at once") {
      const results = await Promise.all(handles.map((handle) => system.cancelOne(handle)));
      cancelled = results.filter(Boolean).length;
    } else {
      cancelled = await cancelBulk!(handles);
    }
  };
  const ms = await timeAsync(() =>
    withDeadline(
      cancelAll(),
      180_000,
      `${system.name}: ${cancelMode} cancels of ${jobCount} queued jobs`,
    ),
  );
  const left = await system.stillQueued(handles);
  if (cancelled !== jobCount || left !== 0) {
    throw new Error(
      `${system.name}: ${cancelMode}: ${cancelled} of ${jobCount} cancels took effect and ${left} jobs are still queued; the figure would not be of cancels.`,
    );
  }
  return jobCount / (ms / 1000);
}

/** Whether the machine's Redis answers, and its version for RESULTS.md. Never throws. */
async function redisVersion(): Promise<{ reachable: boolean; text: string }> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const info = await client.info("server");
    return {
      reachable: true,
      text: `${/redis_version:(\S+)/.exec(info)?.[1] ?? "unknown version"} at ${new URL(REDIS_URL).host}`,
    };
  } catch (error) {
    return {
      reachable: false,
      text: `Redis at ${new URL(REDIS_URL).host} unreachable: ${error instanceof Error ? error.message : String(error)}`,
    };
  } finally {
    client.disconnect();
  }
}
