import os from "node:os";

/**
 * The 1/5/15-minute load average now, e.g. "1.85 / 1.63 / 1.66". The machine is shared, so a
 * figure is reported with the load it was measured under.
 */
export function loadAverageText(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");
}
