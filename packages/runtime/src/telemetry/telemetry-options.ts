/**
 * A tracer provider: the OpenTelemetry SDK's `BasicTracerProvider`/`NodeTracerProvider`, or the API's
 * `trace.getTracerProvider()`. Typed by shape so the runtime's types never require `@opentelemetry/api`.
 */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): unknown;
}

/** A meter provider: the OpenTelemetry SDK's `MeterProvider`, or the API's `metrics.getMeterProvider()`. */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): unknown;
}

/**
 * `createScheduler({ telemetry })`: `false` turns telemetry off; an object picks the providers.
 * Left out, the scheduler uses the global providers of `@opentelemetry/api` when the application
 * installed it, and nothing at all (no module loaded, no hook called) when it did not.
 *
 * @example
 * ```ts
 * import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
 * import { MeterProvider } from "@opentelemetry/sdk-metrics";
 *
 * createScheduler({ registry: jobRegistry, services, telemetry: { tracerProvider: new BasicTracerProvider(), meterProvider: new MeterProvider() } });
 * createScheduler({ registry: jobRegistry, services, telemetry: false });
 * ```
 */
export interface TelemetryOptions {
  /** Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProviderLike;
  /** Default: the global meter provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProviderLike;
}
