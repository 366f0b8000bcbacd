import type { Notice } from "../http/notices.js";
import { formatJson } from "../html/format.js";
import { html, type SafeHtml } from "../html/html.js";
import type { JobDetail, JobRun } from "../queries/job-detail.js";
import { isCancellable, isRetryable } from "../queries/statuses.js";
import { actionButton, idCode, statusBadge, timeOf } from "./components.js";
import { layout } from "./layout.js";
import { href, type ViewContext } from "./view-context.js";

export function jobLive(context: ViewContext, detail: JobDetail): SafeHtml {
  const { job } = detail;
  const actions = html`${isRetryable(job.status) ? actionButton(context, { kind: "retry-job", jobId: job.jobId }, "Retry", "primary") : ""}${
    isCancellable(job.status)
      ? actionButton(context, { kind: "cancel-job", jobId: job.jobId }, "Cancel job", "danger")
      : ""
  }`;
  return html`<div class="job-head"><span class="job-status">${statusBadge(job.status)}</span><div class="actions">${actions}</div></div>
<dl class="facts">
<dt>Job id</dt><dd><code>${job.jobId}</code></dd>
<dt>Name</dt><dd><a href="${href(context, "/jobs", { name: job.jobName })}">${job.jobName}</a></dd>
<dt>Attempt</dt><dd>${job.attempt} of ${job.maxAttempts}</dd>
<dt>Created</dt><dd>${timeOf(context, job.createdAt)}</dd>
<dt>Next attempt due</dt><dd>${timeOf(context, job.nextAttemptDueTime)}</dd>
<dt>Ended</dt><dd>${timeOf(context, job.completedAt)}</dd>
<dt>Correlation id</dt><dd>${job.correlationId === null ? html`<span class="none">—</span>` : html`<code>${job.correlationId}</code>`}</dd>
<dt>Key</dt><dd>${job.key === null ? html`<span class="none">—</span>` : html`<code>${job.key}</code>`}</dd>
</dl>
${
  job.lastError === null
    ? ""
    : html`<section><h2>${job.status === "failed" ? "Last error" : "Error of an earlier attempt"}</h2><pre class="error-text">${job.lastError}</pre></section>`
}
<section><h2>Payload</h2>${
    detail.payload.known
      ? html`<pre class="json">${formatJson(detail.payload.value)}</pre>`
      : html`<p class="none">This scheduler's <code>getJob</code> does not report payloads.</p>`
  }</section>
<section><h2>Runs</h2>
<div class="table-wrap"><table class="runs"><thead><tr><th scope="col">Run</th><th scope="col" class="num">Attempt</th><th scope="col">Status</th><th scope="col">Due</th><th scope="col">Started</th><th scope="col">Ended</th><th scope="col">Message</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${detail.runs.map((run) => runRow(context, run))}</tbody></table></div>
<p class="hint">The scheduler keeps each job's latest attempt; an earlier one is listed while it is its job name's latest outcome.</p>
</section>`;
}

function runRow(context: ViewContext, run: JobRun): SafeHtml {
  const cancellable = run.current && (run.status === "queued" || run.status === "running");
  return html`<tr data-run-id="${run.runId}">
<td>${idCode(run.runId)}${run.current ? html` <span class="kind">latest</span>` : ""}</td>
<td class="num">${run.attempt ?? html`<span class="none">earlier</span>`}</td>
<td>${statusBadge(run.status)}</td>
<td>${timeOf(context, run.dueTime)}</td>
<td>${timeOf(context, run.startedAt)}</td>
<td>${timeOf(context, run.completedAt)}</td>
<td>${run.message === null ? html`<span class="none">—</span>` : html`<span class="message${run.status === "failed" ? " message-failed" : ""}" title="${run.message}">${run.message}</span>`}</td>
<td class="actions">${cancellable ? actionButton(context, { kind: "cancel-run", runId: run.runId }, "Cancel run", "danger") : ""}</td>
</tr>`;
}

export function jobPage(context: ViewContext, detail: JobDetail, notice: Notice | null): SafeHtml {
  return layout(context, {
    title: `${detail.job.jobName} ${detail.job.jobId}`,
    section: "jobs",
    notice,
    header: html`<p class="crumbs"><a href="${href(context, "/jobs")}">Jobs</a> › <a href="${href(context, "/jobs", { name: detail.job.jobName })}">${detail.job.jobName}</a></p>
<h1>${detail.job.jobName}</h1>`,
    live: jobLive(context, detail),
  });
}
