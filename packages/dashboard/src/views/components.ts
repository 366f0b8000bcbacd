import type { JobStatus, OutcomeInfo } from "@elarion/runtime";
import { actionPath, type DashboardAction } from "../http/dashboard-action.js";
import { formatRelative, formatUtc } from "../html/format.js";
import { html, type SafeHtml } from "../html/html.js";
import { href, type ViewContext } from "./view-context.js";

/** `failed` in its colour; the class names are the statuses themselves. */
export function statusBadge(status: JobStatus | OutcomeInfo["status"]): SafeHtml {
  return html`<span class="status status-${status}">${status}</span>`;
}

/** A time relative to the page's moment, exact (UTC) on hover; `—` for none. */
export function timeOf(context: ViewContext, date: Date | null): SafeHtml {
  if (date === null) return html`<span class="none">—</span>`;
  return html`<time datetime="${date.toISOString()}" title="${formatUtc(date)}">${formatRelative(date, context.now)}</time>`;
}

/**
 * A job or run id, whole: ids are time-ordered UUIDs whose first digits are shared by every job of
 * the same moment and whose last digits a job shares with its runs, so no short form tells them apart.
 */
export function idCode(id: string): SafeHtml {
  return html`<code class="id">${id}</code>`;
}

export function jobLink(context: ViewContext, jobId: string): SafeHtml {
  return html`<a href="${href(context, `/jobs/${encodeURIComponent(jobId)}`)}">${idCode(jobId)}</a>`;
}

/**
 * An action as a one-button form: a plain POST that works without JavaScript. It returns to the
 * page it was pressed on (`?return=`). Nothing is drawn on a read-only dashboard.
 *
 * The form has no fields, so its body is empty; `enctype="text/plain"` only keeps frameworks that
 * parse bodies before the dashboard sees the request from refusing it (Fastify answers 415 to a
 * form-urlencoded body it has no parser for, and parses text/plain itself).
 */
export function actionButton(
  context: ViewContext,
  action: DashboardAction,
  label: string,
  tone: "primary" | "danger" | "plain" = "plain",
): SafeHtml {
  if (context.readOnly) return html``;
  const target = href(context, actionPath(action), { return: context.currentPath });
  return html`<form class="action" method="post" enctype="text/plain" action="${target}"><button type="submit" class="button button-${tone}" data-action="${action.kind}">${label}</button></form>`;
}

/** A terminal outcome: its status, message and when. */
export function outcomeSummary(context: ViewContext, outcome: OutcomeInfo | null): SafeHtml {
  if (outcome === null) return html`<span class="none">—</span>`;
  return html`${statusBadge(outcome.status)}${outcome.message === null ? "" : html` <span class="message" title="${outcome.message}">${outcome.message}</span>`} <span class="when">${timeOf(context, outcome.completedAt)}</span>`;
}

/** A count that links to the jobs list filtered by it; zero is drawn faint. */
export function countLink(
  context: ViewContext,
  count: number,
  filter: { status: JobStatus; name?: string },
): SafeHtml {
  const url = href(context, "/jobs", { status: filter.status, name: filter.name });
  return html`<a class="count${count === 0 ? " zero" : ""} count-${filter.status}" href="${url}">${count}</a>`;
}

/** Pause or resume, and trigger for a job with a schedule. */
export function nameActions(
  context: ViewContext,
  jobName: string,
  paused: boolean,
  recurring: boolean,
): SafeHtml {
  return html`${paused ? actionButton(context, { kind: "resume-job", jobName }, "Resume", "primary") : actionButton(context, { kind: "pause-job", jobName }, "Pause")}${
    recurring ? actionButton(context, { kind: "trigger-job", jobName }, "Run now") : ""
  }`;
}
