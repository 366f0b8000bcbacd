import type { JobStatus } from "@elarion/runtime";
import type { Notice } from "../http/notices.js";
import { html, type SafeHtml } from "../html/html.js";
import type { JobNameSummary, Overview } from "../queries/overview.js";
import { JOB_STATUSES } from "../queries/statuses.js";
import {
  actionButton,
  countLink,
  jobLink,
  nameActions,
  outcomeSummary,
  statusBadge,
  timeOf,
} from "./components.js";
import { layout } from "./layout.js";
import { href, type ViewContext } from "./view-context.js";

const SCHEDULE_LABELS: Readonly<Record<NonNullable<JobNameSummary["scheduleKind"]>, string>> = {
  cron: "cron",
  "fixed-rate": "fixed rate",
  "fixed-delay": "fixed delay",
  once: "once",
};

export function overviewLive(context: ViewContext, overview: Overview): SafeHtml {
  const tiles = JOB_STATUSES.map(
    (status) =>
      html`<a class="tile tile-${status}" href="${href(context, "/jobs", { status })}"><span class="tile-count">${overview.totals[status]}</span><span class="tile-label">${status}</span></a>`,
  );
  return html`<section class="tiles" aria-label="Runtime jobs by status">${tiles}</section>
<section>
<h2>Jobs by name</h2>
${overview.jobs.length === 0 ? html`<p class="none">This scheduler has no jobs registered.</p>` : jobsTable(context, overview.jobs)}
</section>
${overview.activeRuns.length === 0 ? "" : activeRunsTable(context, overview)}`;
}

function jobsTable(context: ViewContext, jobs: readonly JobNameSummary[]): SafeHtml {
  const headers = JOB_STATUSES.map((status) => html`<th class="num" scope="col">${status}</th>`);
  return html`<div class="table-wrap"><table class="jobs-by-name">
<thead><tr><th scope="col">Job</th>${headers}<th scope="col">Next due</th><th scope="col">Last outcome</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${jobs.map((job) => jobRow(context, job))}</tbody>
</table></div>`;
}

function jobRow(context: ViewContext, job: JobNameSummary): SafeHtml {
  const counts = JOB_STATUSES.map(
    (status: JobStatus) =>
      html`<td class="num">${countLink(context, job.counts[status], { status, name: job.name })}</td>`,
  );
  const kind = job.scheduleKind === null ? "runtime" : SCHEDULE_LABELS[job.scheduleKind];
  return html`<tr data-job-name="${job.name}"${job.paused ? html` class="paused"` : ""}>
<th scope="row"><a class="job-name" href="${href(context, "/jobs", { name: job.name })}">${job.name}</a> <span class="kind">${kind}</span>${job.paused ? html` <span class="badge badge-paused">paused</span>` : ""}${
    job.activeRuns > 0
      ? html` <span class="badge badge-active">${job.activeRuns} active</span>`
      : ""
  }</th>
${counts}
<td>${job.paused ? html`<span class="none">paused</span>` : timeOf(context, job.nextDueTime)}</td>
<td class="outcome">${outcomeSummary(context, job.lastOutcome)}</td>
<td class="actions">${nameActions(context, job.name, job.paused, job.scheduleKind !== null)}</td>
</tr>`;
}

function activeRunsTable(context: ViewContext, overview: Overview): SafeHtml {
  const rows = overview.activeRuns.map(
    (run) =>
      html`<tr><td>${run.isRuntimeScheduled ? jobLink(context, run.jobId) : html`<span class="kind">recurring</span>`}</td><td>${run.jobName}</td><td>${statusBadge(
        "running",
      )}${run.startedAt === null ? html` <span class="none">waiting for a slot</span>` : ""}</td><td>${timeOf(context, run.startedAt)}</td><td>${timeOf(context, run.dueTime)}</td><td class="actions">${actionButton(
        context,
        { kind: "cancel-run", runId: run.runId },
        "Cancel run",
        "danger",
      )}</td></tr>`,
  );
  return html`<section>
<h2>Running now</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Job</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Due</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>
</section>`;
}

export function overviewPage(
  context: ViewContext,
  overview: Overview,
  notice: Notice | null,
): SafeHtml {
  return layout(context, {
    title: "Overview",
    section: "overview",
    notice,
    header: html`<h1>Overview</h1>`,
    live: overviewLive(context, overview),
  });
}
