/** How times and durations read on the pages: relative to the page's moment, exact in a tooltip. */

/** `2026-01-01 12:00:05 UTC`: exact, sortable, the same for every operator whatever their zone. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `in 5 s`, `3 min ago`, `now`: the distance between `date` and `now`, rounded to one unit. */
export function formatRelative(date: Date, now: Date): string {
  const deltaMs = date.getTime() - now.getTime();
  const distance = formatDuration(Math.abs(deltaMs));
  if (Math.abs(deltaMs) < 1000) return "now";
  return deltaMs > 0 ? `in ${distance}` : `${distance} ago`;
}

/** `850 ms`, `12 s`, `4 min`, `3 h`, `2 d`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

/**
 * A payload as indented JSON. Payloads are stored JSON-safe, but a value that JSON cannot express
 * (a function, a cycle, a BigInt from a third-party store) is described instead of breaking the page.
 */
export function formatJson(value: unknown): string {
  if (value === undefined) return "(no payload)";
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch (error) {
    return `(not JSON: ${error instanceof Error ? error.message : String(error)})`;
  }
}
