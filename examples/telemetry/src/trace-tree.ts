import type { PlainSpan } from "./telemetry.js";

/** Attributes worth a glance in the printed tree. */
const SHOWN = ["scheduler.job.id", "scheduler.job.status", "scheduler.job.scheduling_lag_ms"];

/** Each trace among `spans` as an indented tree: name, process, duration, a few attributes. */
export function renderTraces(spans: readonly PlainSpan[]): string {
  const lines: string[] = [];
  const traceIds = [...new Set(spans.map((span) => span.traceId))];
  for (const traceId of traceIds) {
    const inTrace = spans
      .filter((span) => span.traceId === traceId)
      .sort((a, b) => a.startMs - b.startMs);
    const processes = new Set(inTrace.map((span) => span.process));
    lines.push(
      `trace ${traceId} (${inTrace.length} spans, ${processes.size === 1 ? "1 process" : `${processes.size} processes`}: ${[...processes].join(", ")})`,
    );
    const ids = new Set(inTrace.map((span) => span.spanId));
    const roots = inTrace.filter(
      (span) => span.parentSpanId === null || !ids.has(span.parentSpanId),
    );
    for (const root of roots) print(root, inTrace, "", "", lines);
  }
  return lines.join("\n");
}

function print(
  span: PlainSpan,
  all: readonly PlainSpan[],
  lead: string,
  branch: string,
  lines: string[],
): void {
  const shown = SHOWN.filter((key) => span.attributes[key] !== undefined).map(
    (key) => `${key}=${String(span.attributes[key])}`,
  );
  const label = `${lead}${branch}${span.name}`;
  lines.push(
    `  ${label.padEnd(44)} ${span.process.padEnd(8)} ${span.durationMs.toFixed(1).padStart(7)} ms  ${shown.join(" ")}`.trimEnd(),
  );
  const children = all.filter((child) => child.parentSpanId === span.spanId);
  children.forEach((child, index) => {
    const last = index === children.length - 1;
    print(
      child,
      all,
      branch === "" ? lead : `${lead}${branch === "└─ " ? "   " : "│  "}`,
      last ? "└─ " : "├─ ",
      lines,
    );
  });
}
