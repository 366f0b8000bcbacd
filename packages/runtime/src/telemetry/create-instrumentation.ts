import type { Meter, Tracer } from "@opentelemetry/api";
import { systemClock, type Clock } from "../core/clock.js";
import { coded } from "../core/runtime-errors.js";
import type { Instrumentation } from "../state/instrumentation.js";
import { loadOpenTelemetryApi, runtimeVersion } from "./opentelemetry-api.js";
import { OpenTelemetryInstrumentation } from "./opentelemetry-instrumentation.js";
import type { TelemetryOptions } from "./telemetry-options.js";

/** The instrumentation scope of every span and instrument. */
export const INSTRUMENTATION_SCOPE = "@elarion/runtime";

/**
 * The scheduler's telemetry for `createScheduler({ telemetry })`, or `null` (off): `false` is off;
 * left out, it is on when `@opentelemetry/api` can be loaded and off — nothing loaded, nothing
 * called — when it cannot; explicit providers need the API too and say so when it is missing.
 */
export function createInstrumentation(option: unknown, clock: Clock): Instrumentation | null {
  if (option === false) return null;
  if (option !== undefined && (typeof option !== "object" || option === null)) {
    throw coded(new TypeError("createScheduler: telemetry must be false or { tracerProvider?, meterProvider? } (OpenTelemetry providers)."), "ELR101");
  }
  const given = (option ?? {}) as TelemetryOptions;
  if (given.tracerProvider !== undefined && typeof given.tracerProvider?.getTracer !== "function") {
    throw coded(new TypeError("createScheduler: telemetry.tracerProvider must be an OpenTelemetry TracerProvider (with getTracer), e.g. new BasicTracerProvider()."), "ELR101");
  }
  if (given.meterProvider !== undefined && typeof given.meterProvider?.getMeter !== "function") {
    throw coded(new TypeError("createScheduler: telemetry.meterProvider must be an OpenTelemetry MeterProvider (with getMeter), e.g. new MeterProvider()."), "ELR101");
  }
  const api = loadOpenTelemetryApi();
  if (api === null) {
    if (option === undefined) return null;
    throw coded(new Error("createScheduler: telemetry providers were given but @opentelemetry/api cannot be loaded; install it (npm install @opentelemetry/api) or leave telemetry out."), "ELR107");
  }
  const version = runtimeVersion();
  const tracer = (given.tracerProvider ?? api.trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE, version) as Tracer;
  const meter = (given.meterProvider ?? api.metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE, version) as Meter;
  return new OpenTelemetryInstrumentation(api, tracer, meter, clock === systemClock ? preciseWallClock : () => clock.now());
}

/** Read once: `performance.timeOrigin` is a getter that costs more than `performance.now()`. */
const TIME_ORIGIN = performance.timeOrigin;

/** Epoch milliseconds with sub-millisecond digits, as the OpenTelemetry SDK itself reads time. */
function preciseWallClock(): number {
  return TIME_ORIGIN + performance.now();
}
