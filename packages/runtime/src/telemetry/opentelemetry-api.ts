import { createRequire } from "node:module";
import type * as OpenTelemetryApiModule from "@opentelemetry/api";

/** The `@opentelemetry/api` module. */
export type OpenTelemetryApi = typeof OpenTelemetryApiModule;

const API = "@opentelemetry/api";
let loaded: OpenTelemetryApi | null | undefined;

/**
 * `@opentelemetry/api` when the application installed it, else `null`; looked up once per process.
 * It is loaded with `require` because `createScheduler` is synchronous; Node's `import` of the API
 * resolves to the same CommonJS build, and the API keeps its providers and context keys in
 * process-wide globals, so the application's `trace`/`context` and ours are one and the same.
 */
export function loadOpenTelemetryApi(): OpenTelemetryApi | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)(API) as OpenTelemetryApi;
    } catch (error) {
      if (!isApiNotFound(error)) throw error;
      loaded = null;
    }
  }
  return loaded;
}

function isApiNotFound(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === "MODULE_NOT_FOUND" && typeof message === "string" && message.includes(`'${API}'`);
}

/** The runtime's version, the instrumentation scope's version; `undefined` where package.json is not beside the code (a bundle). */
export function runtimeVersion(): string | undefined {
  try {
    // dist/telemetry/ and src/telemetry/ both sit two levels below the package root.
    const manifest = createRequire(import.meta.url)("../../package.json") as {
      name?: unknown;
      version?: unknown;
    };
    return manifest.name === "@elarion/runtime" && typeof manifest.version === "string"
      ? manifest.version
      : undefined;
  } catch {
    return undefined;
  }
}
