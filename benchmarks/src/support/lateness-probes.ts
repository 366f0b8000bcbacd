import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { preciseNowMs, type LatenessRecorder } from "../../fixture/src/lateness-recorder.js";
import { summarizeLatency, type LatencySummary } from "./statistics.js";
import { withDeadline } from "./stopwatch.js";

/** Probes are scheduled this far ahead of the moment they are created (uniformly, whole ms). */
export const PROBE_LEAD_MIN_MS = 50;
export const PROBE_LEAD_MAX_MS = 250;
const PROBES_PER_WAVE = 10;
const MS_BETWEEN_WAVES = 5;

/**
 * Streams `count` probes, each due 50–250 ms after it is scheduled, in waves of ten, and returns
 * the distribution of start − due once every probe has run, with the event loop's own delay p99
 * (monitorEventLoopDelay, 1 ms resolution) over the same period. `scheduleProbe` is the system under
 * test; its job body must call `recorder.record(dueMs)`.
 */
export async function measureLateness(
  count: number,
  recorder: LatenessRecorder,
  scheduleProbe: (dueMs: number) => Promise<unknown>,
): Promise<LatencySummary & { readonly eventLoopDelayP99Ms: number }> {
  // A starved process (a busy shared machine) shows up here before it shows up as lateness.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const offset = recorder.samples.length;
  const allRan = recorder.reached(offset + count);
  for (let sent = 0; sent < count; sent += PROBES_PER_WAVE) {
    const wave: Promise<unknown>[] = [];
    for (let index = sent; index < Math.min(count, sent + PROBES_PER_WAVE); index += 1) {
      const lead =
        PROBE_LEAD_MIN_MS + Math.floor(Math.random() * (PROBE_LEAD_MAX_MS - PROBE_LEAD_MIN_MS + 1));
      wave.push(scheduleProbe(Math.round(preciseNowMs()) + lead));
    }
    await Promise.all(wave);
    // Pacing the arrivals, not waiting for a result: probes arrive as a stream, as in production.
    await delay(MS_BETWEEN_WAVES);
  }
  try {
    await withDeadline(allRan, 60_000 + count * 10, `${count} lateness probes`);
  } finally {
    loopDelay.disable();
  }
  return {
    ...summarizeLatency(recorder.samples.slice(offset)),
    eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  };
}
