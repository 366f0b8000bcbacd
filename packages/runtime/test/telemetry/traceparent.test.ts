import { TraceFlags } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { formatTraceparent, parseTraceparent } from "../../src/telemetry/traceparent.js";

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const spanId = "00f067aa0ba902b7";

describe("the stored trace context (W3C traceparent)", () => {
  it("round-trips a span context, sampled or not, as a remote parent", () => {
    expect(formatTraceparent({ traceId, spanId, traceFlags: TraceFlags.SAMPLED })).toBe(
      `00-${traceId}-${spanId}-01`,
    );
    expect(formatTraceparent({ traceId, spanId, traceFlags: TraceFlags.NONE })).toBe(
      `00-${traceId}-${spanId}-00`,
    );
    expect(parseTraceparent(`00-${traceId}-${spanId}-01`)).toEqual({
      traceId,
      spanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
  });

  it("stores nothing for an invalid context (a non-recording span without a parent)", () => {
    expect(
      formatTraceparent({ traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: 0 }),
    ).toBeNull();
    expect(formatTraceparent({ traceId, spanId: "0".repeat(16), traceFlags: 1 })).toBeNull();
  });

  it("reads no parent from a missing, malformed or all-zero value", () => {
    for (const text of [
      null,
      "",
      "garbage",
      `01-${traceId}-${spanId}-01`,
      `00-${traceId.toUpperCase()}-${spanId}-01`,
      `00-${traceId}-${spanId}`,
      `00-${"0".repeat(32)}-${spanId}-01`,
    ]) {
      expect(parseTraceparent(text)).toBeNull();
    }
  });
});
