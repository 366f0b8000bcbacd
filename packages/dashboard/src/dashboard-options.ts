import type { IncomingMessage } from "node:http";
import type { JobScheduler } from "@elarion/runtime";
import type { DashboardAction } from "./http/dashboard-action.js";

/**
 * Any scheduler `createScheduler` returns, whatever its registry's job classes and payload types
 * (the dashboard only passes through ids and job names it read from the same scheduler).
 */
// biome-ignore lint/suspicious/noExplicitAny: a type-level wildcard; `unknown` would reject valid classes and registries through variance
export type DashboardScheduler = JobScheduler<any, any>;

/** Options of `createDashboard`. */
export interface DashboardOptions {
  /** The scheduler to show and steer. With PostgreSQL it shows the whole cluster's jobs. */
  scheduler: DashboardScheduler;
  /**
   * Where the dashboard lives in the browser's URL space, e.g. `"/dashboard"`. Default: Express's
   * mount path (`app.use("/dashboard", dashboard)` needs none), otherwise the root. Pass it with
   * `node:http` or Fastify when the dashboard is not at the root.
   */
  basePath?: string;
  /**
   * Called for every action (cancel, retry, pause, resume, trigger) with the request and what it
   * asks for; only `true` lets it through. Giving `authorize` turns actions on (unless `readOnly`).
   * It guards actions only: protect who may see the pages with your framework's middleware in
   * front of the dashboard.
   */
  authorize?: (request: IncomingMessage, action: DashboardAction) => boolean | Promise<boolean>;
  /**
   * `true`: no action buttons, and every action is refused. Default: `true` without `authorize`,
   * `false` with it. `readOnly: false` without `authorize` is the explicit opt-in to actions for
   * everyone who can reach the dashboard (a dashboard only you can reach, e.g. bound to localhost
   * or behind your own authentication).
   */
  readOnly?: boolean;
  /** How often an open page re-reads its data, in ms (default 3000; 0 turns it off). */
  refreshIntervalMs?: number;
}

/** Options checked, with their defaults. */
export interface ResolvedDashboardOptions {
  readonly scheduler: DashboardScheduler;
  readonly basePath: string | undefined;
  readonly authorize:
    | ((request: IncomingMessage, action: DashboardAction) => boolean | Promise<boolean>)
    | null;
  readonly readOnly: boolean;
  readonly refreshIntervalMs: number;
}

const SCHEDULER_METHODS = [
  "snapshot",
  "getJob",
  "listJobs",
  "countJobs",
  "cancelJob",
  "cancelRun",
  "retryJob",
  "pauseJob",
  "resumeJob",
  "triggerJob",
  "listSchedules",
] as const;
const BASE_PATH = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*$/;

/** Rejects options that cannot work, naming the option and what to pass instead. */
export function resolveDashboardOptions(options: DashboardOptions): ResolvedDashboardOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      "createDashboard: expected options like { scheduler }, where scheduler is what createScheduler returned.",
    );
  }
  const { scheduler, basePath, authorize, readOnly, refreshIntervalMs } = options;
  const missing =
    typeof scheduler === "object" && scheduler !== null
      ? SCHEDULER_METHODS.filter((name) => typeof scheduler[name] !== "function")
      : SCHEDULER_METHODS;
  if (missing.length > 0) {
    throw new TypeError(
      `createDashboard: scheduler must be what createScheduler returned (missing ${missing.join(", ")}); pass { scheduler }.`,
    );
  }
  let normalizedBasePath: string | undefined;
  if (basePath !== undefined) {
    const trimmed =
      typeof basePath === "string" && basePath.endsWith("/") ? basePath.slice(0, -1) : basePath;
    if (typeof trimmed !== "string" || !BASE_PATH.test(trimmed)) {
      throw new TypeError(
        `createDashboard: basePath must be a URL path like "/dashboard" (starting with "/", no query or fragment), got ${JSON.stringify(basePath)}.`,
      );
    }
    normalizedBasePath = trimmed;
  }
  if (authorize !== undefined && typeof authorize !== "function") {
    throw new TypeError(
      "createDashboard: authorize must be a function (request, action) => boolean | Promise<boolean> that returns true for who may act.",
    );
  }
  if (readOnly !== undefined && typeof readOnly !== "boolean") {
    throw new TypeError(
      `createDashboard: readOnly must be true or false, got ${JSON.stringify(readOnly)}.`,
    );
  }
  const interval = refreshIntervalMs ?? 3000;
  if (
    typeof interval !== "number" ||
    !Number.isInteger(interval) ||
    (interval !== 0 && (interval < 250 || interval > 3_600_000))
  ) {
    throw new RangeError(
      `createDashboard: refreshIntervalMs must be 0 (off) or a whole number of milliseconds from 250 to 3600000, got ${String(refreshIntervalMs)}.`,
    );
  }
  return {
    scheduler,
    basePath: normalizedBasePath,
    authorize: authorize ?? null,
    readOnly: readOnly ?? authorize === undefined,
    refreshIntervalMs: interval,
  };
}
