import type { Meter, Tracer } from "@opentelemetry/api";
import { systemClock, type Clock } from "../core/clock.js";
import { coded } from "../core/runtime-errors.js";
import type { Instrumentation } from "../state/instrumentation.js";
import {
  loadOpenTelemetryApi,
  runtimeVersion,
  type OpenTelemetryApi,
} from "./opentelemetry-api.js";
import { OpenTelemetryInstrumentation } from "./opentelemetry-instrumentation.js";
import { RUN_COUNT } from "./scheduler-metrics.js";
import type { TelemetryOptions, TracerProviderLike } from "./telemetry-options.js";

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
    throw coded(
      new TypeError(
        "createScheduler: telemetry must be false or { tracerProvider?, meterProvider? } (OpenTelemetry providers).",
      ),
      "ELR101",
    );
  }
  const given = (option ?? {}) as TelemetryOptions;
  if (given.tracerProvider !== undefined && typeof given.tracerProvider?.getTracer !== "function") {
    throw coded(
      new TypeError(
        "createScheduler: telemetry.tracerProvider must be an OpenTelemetry TracerProvider (with getTracer), e.g. new BasicTracerProvider().",
      ),
      "ELR101",
    );
  }
  if (given.meterProvider !== undefined && typeof given.meterProvider?.getMeter !== "function") {
    throw coded(
      new TypeError(
        "createScheduler: telemetry.meterProvider must be an OpenTelemetry MeterProvider (with getMeter), e.g. new MeterProvider().",
      ),
      "ELR101",
    );
  }
  const api = loadOpenTelemetryApi();
  if (api === null) {
    if (option === undefined) return null;
    throw coded(
      new Error(
        "createScheduler: telemetry providers were given but @opentelemetry/api cannot be loaded; install it (npm install @opentelemetry/api) or leave telemetry out.",
      ),
      "ELR107",
    );
  }
  const version = runtimeVersion();
  const tracerProvider = given.tracerProvider ?? api.trace.getTracerProvider();
  const tracer = tracerProvider.getTracer(INSTRUMENTATION_SCOPE, version) as Tracer;
  const meter = (given.meterProvider ?? api.metrics.getMeterProvider()).getMeter(
    INSTRUMENTATION_SCOPE,
    version,
  ) as Meter;
  const targets = {
    tracer,
    tracing: tracingSwitch(api, tracerProvider),
    meter,
    metering: !isNoopMeter(api, meter),
  };
  return new OpenTelemetryInstrumentation(
    api,
    targets,
    clock === systemClock ? preciseWallClock : () => clock.now(),
  );
}

/**
 * Whether spans are worth starting now. The global tracer provider is the API's proxy, which
 * delegates to the SDK once one is registered — possibly after the scheduler was created — and to
 * a no-op until then: spans are started only while it has an SDK behind it.
 */
function tracingSwitch(api: OpenTelemetryApi, provider: TracerProviderLike): () => boolean {
  if (!(provider instanceof api.ProxyTracerProvider)) return () => true;
  const noop = new api.ProxyTracerProvider().getDelegate();
  return () => provider.getDelegate() !== noop;
}

/**
 * Whether `meter` is the API's no-op meter (no meter provider was registered when the scheduler was
 * created; the API, unlike for tracing, never swaps it for a later one). Its instruments are shared
 * no-op singletons, which a no-op meter of the same API hands out too.
 */
function isNoopMeter(api: OpenTelemetryApi, meter: Meter): boolean {
  return (
    meter.createCounter(RUN_COUNT.name, RUN_COUNT.options) ===
    api.createNoopMeter().createCounter(RUN_COUNT.name)
  );
}

/** Read once: `performance.timeOrigin` is a getter that costs more than `performance.now()`. */
const TIME_ORIGIN = performance.timeOrigin;

/** Epoch milliseconds with sub-millisecond digits, as the OpenTelemetry SDK itself reads time. */
function preciseWallClock(): number {
  return TIME_ORIGIN + performance.now();
}
