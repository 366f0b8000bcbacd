import type { JobState } from "@elarion/runtime";
import type { Notice } from "../http/notices.js";
import { html, type SafeHtml } from "../html/html.js";
import { DEFAULT_PAGE_SIZE, type JobFilter, type JobList } from "../queries/job-list.js";
import { isCancellable, isRetryable, JOB_STATUSES } from "../queries/statuses.js";
import { actionButton, jobLink, statusBadge, timeOf } from "./components.js";
import { layout } from "./layout.js";
import { href, type ViewContext } from "./view-context.js";

/** The query of a jobs page with `changes` applied (the cursor is dropped unless given: a new filter starts at the newest). */
function filterQuery(
  filter: JobFilter,
  changes: { status?: readonly string[]; cursor?: string },
): Record<string, string | readonly string[] | null> {
  return {
    status: changes.status ?? filter.statuses,
    name: filter.jobName,
    correlationId: filter.correlationId,
    limit: filter.limit === DEFAULT_PAGE_SIZE ? null : String(filter.limit),
    cursor: changes.cursor ?? null,
  };
}

function statusTabs(context: ViewContext, filter: JobFilter): SafeHtml {
  const all = filter.statuses.length === 0;
  const tabs = [
    html`<a href="${href(context, "/jobs", filterQuery(filter, { status: [] }))}"${all ? html` aria-current="true"` : ""}>all</a>`,
    ...JOB_STATUSES.map((status) => {
      const current = filter.statuses.length === 1 && filter.statuses[0] === status;
      return html`<a class="tab-${status}" href="${href(context, "/jobs", filterQuery(filter, { status: [status] }))}"${current ? html` aria-current="true"` : ""}>${status}</a>`;
    }),
  ];
  return html`<nav class="tabs" aria-label="Filter by status">${tabs}</nav>`;
}

function filterForm(context: ViewContext, list: JobList): SafeHtml {
  const { filter } = list;
  const names = list.jobNames.map(
    (name) =>
      html`<option value="${name}"${name === filter.jobName ? html` selected` : ""}>${name}</option>`,
  );
  const unknownName =
    filter.jobName !== null && !list.jobNames.includes(filter.jobName)
      ? html`<option value="${filter.jobName}" selected>${filter.jobName}</option>`
      : "";
  const statuses = filter.statuses.map(
    (status) => html`<input type="hidden" name="status" value="${status}">`,
  );
  return html`<form class="filters" method="get" action="${href(context, "/jobs")}">
${statuses}
<label>Job name <select name="name"><option value="">any</option>${unknownName}${names}</select></label>
<label>Correlation id <input type="search" name="correlationId" value="${filter.correlationId ?? ""}" placeholder="any"></label>
<button type="submit" class="button">Filter</button>
</form>`;
}

export function jobsLive(context: ViewContext, list: JobList): SafeHtml {
  const { filter } = list;
  const pager = html`<nav class="pager" aria-label="Pages">${
    filter.cursor === null
      ? ""
      : html`<a href="${href(context, "/jobs", filterQuery(filter, {}))}">← Newest</a>`
  }${list.nextCursor === null ? "" : html`<a rel="next" href="${href(context, "/jobs", filterQuery(filter, { cursor: list.nextCursor }))}">Older →</a>`}</nav>`;
  if (list.jobs.length === 0) {
    return html`<p class="empty">${filter.cursor === null ? "No jobs match this filter." : "No more jobs."}</p>${pager}`;
  }
  return html`<div class="table-wrap"><table class="job-list">
<thead><tr><th scope="col">Job</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col" class="num">Attempt</th><th scope="col">Created</th><th scope="col">Due / ended</th><th scope="col">Last error</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${list.jobs.map((job) => jobRow(context, job))}</tbody>
</table></div>
${pager}`;
}

function jobRow(context: ViewContext, job: JobState): SafeHtml {
  return html`<tr data-job-id="${job.jobId}">
<td>${jobLink(context, job.jobId)}</td>
<td>${job.jobName}</td>
<td>${statusBadge(job.status)}</td>
<td class="num">${job.attempt}/${job.maxAttempts}</td>
<td>${timeOf(context, job.createdAt)}</td>
<td>${timeOf(context, job.completedAt ?? job.nextAttemptDueTime)}</td>
<td class="error-cell">${job.lastError === null ? html`<span class="none">—</span>` : html`<span class="message" title="${job.lastError}">${job.lastError}</span>`}</td>
<td class="actions">${isRetryable(job.status) ? actionButton(context, { kind: "retry-job", jobId: job.jobId }, "Retry", "primary") : ""}${
    isCancellable(job.status)
      ? actionButton(context, { kind: "cancel-job", jobId: job.jobId }, "Cancel", "danger")
      : ""
  }</td>
</tr>`;
}

export function jobsPage(context: ViewContext, list: JobList, notice: Notice | null): SafeHtml {
  const { filter } = list;
  const described = [
    filter.statuses.length === 0 ? "" : filter.statuses.join(", "),
    filter.jobName === null ? "" : `of ${filter.jobName}`,
    filter.correlationId === null ? "" : `with correlation id ${filter.correlationId}`,
  ]
    .filter((part) => part !== "")
    .join(" ");
  return layout(context, {
    title: described === "" ? "Jobs" : `Jobs: ${described}`,
    section: "jobs",
    notice,
    header: html`<h1>Jobs${described === "" ? "" : html` <small>${described}</small>`}</h1>
${statusTabs(context, filter)}
${filterForm(context, list)}`,
    live: jobsLive(context, list),
  });
}
