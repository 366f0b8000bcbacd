import type { IncomingMessage, ServerResponse } from "node:http";
import { performAction } from "./actions/perform-action.js";
import {
  resolveDashboardOptions,
  type DashboardOptions,
  type ResolvedDashboardOptions,
} from "./dashboard-options.js";
import { loadAssets } from "./http/assets.js";
import { parseAction, returnPathOf, type DashboardAction } from "./http/dashboard-action.js";
import {
  pathSegments,
  resolveDashboardRequest,
  type DashboardRequest,
} from "./http/dashboard-request.js";
import { noticeOf, withNotice } from "./http/notices.js";
import { redirectAfterPost, sendAsset, sendHtml, sendJson } from "./http/responses.js";
import { crossOriginRefusal } from "./http/same-origin.js";
import type { SafeHtml } from "./html/html.js";
import { loadJobDetail } from "./queries/job-detail.js";
import { loadJobList, parseJobFilter } from "./queries/job-list.js";
import { loadOverview } from "./queries/overview.js";
import { loadSchedules } from "./queries/schedules.js";
import { jobLive, jobPage } from "./views/job-page.js";
import { jobsLive, jobsPage } from "./views/jobs-page.js";
import { errorPage } from "./views/layout.js";
import { overviewLive, overviewPage } from "./views/overview-page.js";
import { schedulesLive, schedulesPage } from "./views/schedules-page.js";
import type { ViewContext } from "./views/view-context.js";

/**
 * A Node request handler: `node:http`'s `(req, res)`, Express's and connect's `(req, res, next)`.
 * A request outside the dashboard's base path goes to `next()` (404 without one).
 */
export type DashboardHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

/** The header the page's script sends to re-read only the part of the page that changes. */
const FRAGMENT_HEADER = "x-elarion-fragment";

/**
 * The dashboard: an overview per job name, the jobs list by status and name, one job with its
 * payload, runs and last error, and the schedules; with cancel, retry, pause/resume and trigger.
 * Server-rendered HTML, one small stylesheet and script shipped in the package, nothing fetched
 * from elsewhere. Actions are POSTs that need `authorize` (or an explicit `readOnly: false`) and
 * pass a same-origin check; everything from the scheduler is escaped.
 *
 * @example
 * ```ts
 * const app = express();
 * app.use("/dashboard", createDashboard({ scheduler, authorize: (req) => isOperator(req) }));
 * app.listen(3000);
 * ```
 */
export function createDashboard(options: DashboardOptions): DashboardHandler {
  const resolved = resolveDashboardOptions(options);
  const assets = loadAssets();
  const assetVersions = {
    css: assets.get("dashboard.css")?.hash ?? "",
    js: assets.get("dashboard.js")?.hash ?? "",
  };
  let jobNames: Promise<string[]> | null = null;
  // Registered job names do not change while the process runs: read them once, again after a failure.
  const registeredJobNames = (): Promise<string[]> => {
    jobNames ??= resolved.scheduler.snapshot().then(
      (snapshot) => snapshot.jobs.map((job) => job.name).sort(),
      (error: unknown) => {
        jobNames = null;
        throw error;
      },
    );
    return jobNames;
  };

  return async (request, response, next) => {
    const located = resolveDashboardRequest(request, resolved.basePath);
    if (located === null) {
      if (next !== undefined) next();
      else sendHtml(response, 404, "Not found");
      return;
    }
    const context: ViewContext = {
      basePath: located.basePath,
      readOnly: resolved.readOnly,
      currentPath: `${located.path}${located.query.size > 0 ? `?${withoutNotice(located.query)}` : ""}`,
      now: new Date(),
      assetVersions,
      refreshIntervalMs: resolved.refreshIntervalMs,
    };
    try {
      if (located.method === "POST") await act(resolved, request, response, located, context);
      else if (located.method === "GET" || located.method === "HEAD") {
        await show(resolved, request, response, located, context, assets, registeredJobNames);
      } else {
        response.setHeader("Allow", "GET, HEAD, POST");
        sendHtml(
          response,
          405,
          errorPage(
            context,
            "Method not allowed",
            `The dashboard answers GET and POST, not ${located.method}.`,
          ).text,
        );
      }
    } catch (error) {
      if (response.headersSent) {
        response.destroy(error instanceof Error ? error : undefined);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendHtml(response, 500, errorPage(context, "The scheduler could not answer", message).text);
    }
  };
}

function withoutNotice(query: URLSearchParams): string {
  const kept = new URLSearchParams(query);
  kept.delete("notice");
  kept.delete("subject");
  return kept.toString();
}

type LivePage = { readonly live: SafeHtml; readonly page: () => SafeHtml; readonly json: unknown };

async function show(
  options: ResolvedDashboardOptions,
  request: IncomingMessage,
  response: ServerResponse,
  located: DashboardRequest,
  context: ViewContext,
  assets: ReturnType<typeof loadAssets>,
  registeredJobNames: () => Promise<string[]>,
): Promise<void> {
  const headOnly = located.method === "HEAD";
  const segments = pathSegments(located.path);
  if (segments === null) {
    sendHtml(
      response,
      400,
      errorPage(context, "Bad request", "The address has a malformed %-escape.").text,
      headOnly,
    );
    return;
  }
  const [first, second, third] = segments;
  if (first === "assets" && second !== undefined && third === undefined) {
    const asset = assets.get(second);
    if (asset !== undefined) {
      const versioned = located.query.get("v") === asset.hash;
      sendAsset(response, asset, {
        versioned,
        notModified: request.headers["if-none-match"] === `"${asset.hash}"`,
        headOnly,
      });
      return;
    }
  }
  // Each page's data as JSON: /api/overview, /api/jobs?..., /api/jobs/<id>, /api/schedules.
  const api = first === "api";
  const route = !api
    ? segments
    : second === "overview" && third === undefined
      ? []
      : second === undefined
        ? ["api"]
        : segments.slice(1);
  const page = await livePage(options, located, context, route, registeredJobNames);
  if (page === null) {
    if (api) sendJson(response, 404, { error: `No such API endpoint: ${located.path}` }, headOnly);
    else
      sendHtml(
        response,
        404,
        errorPage(context, "Not found", `The dashboard has no page at ${located.path}.`).text,
        headOnly,
      );
    return;
  }
  if ("error" in page) {
    if (api) sendJson(response, page.status, { error: page.error }, headOnly);
    else sendHtml(response, page.status, errorPage(context, page.title, page.error).text, headOnly);
    return;
  }
  if (api) sendJson(response, 200, page.json, headOnly);
  else if (request.headers[FRAGMENT_HEADER] === "live")
    sendHtml(response, 200, page.live.text, headOnly);
  else sendHtml(response, 200, page.page().text, headOnly);
}

/** The page a route names with its data read, an error to show, or `null` for no such page. */
async function livePage(
  options: ResolvedDashboardOptions,
  located: DashboardRequest,
  context: ViewContext,
  route: readonly string[],
  registeredJobNames: () => Promise<string[]>,
): Promise<
  LivePage | { readonly status: number; readonly title: string; readonly error: string } | null
> {
  const { scheduler } = options;
  const notice = noticeOf(located.query);
  const [first, second, third] = route;
  if (first === undefined) {
    const overview = await loadOverview(scheduler);
    const at = { ...context, now: overview.capturedAt };
    return {
      live: overviewLive(at, overview),
      page: () => overviewPage(at, overview, notice),
      json: overview,
    };
  }
  if (first === "jobs" && second === undefined) {
    const filter = parseJobFilter(located.query);
    if ("error" in filter) return { status: 400, title: "Bad filter", error: filter.error };
    let list;
    try {
      list = await loadJobList(scheduler, filter, await registeredJobNames(), context.now);
    } catch (error) {
      // A cursor from another filter or a stale bookmark: listJobs names the problem (ELR310).
      if (error instanceof TypeError || error instanceof RangeError)
        return { status: 400, title: "Bad filter", error: error.message };
      throw error;
    }
    return {
      live: jobsLive(context, list),
      page: () => jobsPage(context, list, notice),
      json: list,
    };
  }
  if (first === "jobs" && second !== undefined && third === undefined) {
    const detail = await loadJobDetail(scheduler, second);
    if (detail === null)
      return {
        status: 404,
        title: "No such job",
        error: `No job has id ${second}: it is unknown, or its record was dropped by retention.`,
      };
    const at = { ...context, now: detail.capturedAt };
    return { live: jobLive(at, detail), page: () => jobPage(at, detail, notice), json: detail };
  }
  if (first === "schedules" && second === undefined) {
    const schedules = await loadSchedules(scheduler);
    const at = { ...context, now: schedules.capturedAt };
    return {
      live: schedulesLive(at, schedules),
      page: () => schedulesPage(at, schedules, notice),
      json: schedules,
    };
  }
  return null;
}

async function act(
  options: ResolvedDashboardOptions,
  request: IncomingMessage,
  response: ServerResponse,
  located: DashboardRequest,
  context: ViewContext,
): Promise<void> {
  const segments = pathSegments(located.path);
  const action = segments === null ? null : parseAction(segments);
  const refuse = (status: number, title: string, message: string): void =>
    sendHtml(response, status, errorPage(context, title, message).text);
  if (action === null) {
    refuse(404, "Not found", `The dashboard has no action at ${located.path}.`);
    return;
  }
  if (options.readOnly) {
    refuse(
      403,
      "Read-only dashboard",
      "This dashboard is read-only: createDashboard was given no authorize function (or readOnly: true).",
    );
    return;
  }
  const crossOrigin = crossOriginRefusal(request);
  if (crossOrigin !== null) {
    refuse(
      403,
      "Refused: not from this dashboard",
      `The action was refused because ${crossOrigin}.`,
    );
    return;
  }
  if (options.authorize !== null) {
    let allowed: unknown;
    try {
      allowed = await options.authorize(request, action);
    } catch (error) {
      refuse(
        500,
        "Could not check authorization",
        `authorize threw: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    // Only `true` lets an action through: a truthy value by mistake (a user object, a string) does not.
    if (allowed !== true) {
      refuse(403, "Not authorized", `You are not allowed to ${describe(action)}.`);
      return;
    }
  }
  const result = await performAction(options.scheduler, action);
  if (!result.done) {
    refuse(result.status, `Could not ${describe(action)}`, result.message);
    return;
  }
  const back = returnPathOf(located.query, fallbackPathOf(action));
  redirectAfterPost(
    response,
    `${located.basePath}${withNotice(back, result.notice, result.subject)}`,
  );
}

function describe(action: DashboardAction): string {
  switch (action.kind) {
    case "cancel-job":
      return `cancel job ${action.jobId}`;
    case "retry-job":
      return `retry job ${action.jobId}`;
    case "cancel-run":
      return `cancel run ${action.runId}`;
    case "pause-job":
      return `pause ${action.jobName}`;
    case "resume-job":
      return `resume ${action.jobName}`;
    case "trigger-job":
      return `trigger ${action.jobName}`;
  }
}

function fallbackPathOf(action: DashboardAction): string {
  return action.kind === "cancel-job" || action.kind === "retry-job"
    ? `/jobs/${encodeURIComponent(action.jobId)}`
    : "/";
}
