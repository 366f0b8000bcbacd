import type { SpanContext } from "@opentelemetry/api";

/** `version-traceid-spanid-flags` of W3C Trace Context, version 00 (tested without captures: it runs once per run). */
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const INVALID_TRACE_ID = "00000000000000000000000000000000";
const INVALID_SPAN_ID = "0000000000000000";

/**
 * The W3C `traceparent` of a span context, the form stored with a job; `null` for an invalid
 * context (a non-recording span with no parent has one). Written here rather than through the
 * global propagator, which an application may have set to another format or to none.
 *
 * @example
 * ```ts
 * formatTraceparent(span.spanContext()); // "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
 * ```
 */
export function formatTraceparent(context: SpanContext): string | null {
  if (!isValid(context.traceId, context.spanId)) return null;
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/** The remote span context a stored `traceparent` names, or `null` when it is absent or malformed. */
export function parseTraceparent(traceparent: string | null): SpanContext | null {
  if (traceparent === null || !TRACEPARENT.test(traceparent)) return null;
  const traceId = traceparent.slice(3, 35);
  const spanId = traceparent.slice(36, 52);
  if (!isValid(traceId, spanId)) return null;
  return {
    traceId,
    spanId,
    traceFlags: Number.parseInt(traceparent.slice(53), 16),
    isRemote: true,
  };
}

function isValid(traceId: string, spanId: string): boolean {
  return (
    traceId.length === 32 &&
    spanId.length === 16 &&
    traceId !== INVALID_TRACE_ID &&
    spanId !== INVALID_SPAN_ID
  );
}
