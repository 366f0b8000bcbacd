import type { ScheduleInfo } from "@elarion/runtime";
import type { Notice } from "../http/notices.js";
import { formatDuration, formatJson } from "../html/format.js";
import { html, type SafeHtml } from "../html/html.js";
import type { RecurringJob, Schedules } from "../queries/schedules.js";
import { nameActions, outcomeSummary, timeOf } from "./components.js";
import { layout } from "./layout.js";
import { href, type ViewContext } from "./view-context.js";

export function schedulesLive(context: ViewContext, schedules: Schedules): SafeHtml {
  return html`<section>
<h2>Recurring jobs</h2>
${schedules.recurring.length === 0 ? html`<p class="none">No job of this scheduler has a schedule of its own.</p>` : recurringTable(context, schedules.recurring)}
</section>
<section>
<h2>User-defined schedules</h2>
${
  "unavailable" in schedules.userDefined
    ? html`<p class="none">Not available from this scheduler: ${schedules.userDefined.unavailable}</p>`
    : schedules.userDefined.schedules.length === 0
      ? html`<p class="none">None: <code>upsertSchedule</code> adds them.</p>`
      : userDefinedTable(context, schedules.userDefined.schedules)
}
</section>`;
}

function pausedBadge(paused: boolean): SafeHtml {
  return paused ? html` <span class="badge badge-paused">paused</span>` : html``;
}

function recurringTable(context: ViewContext, jobs: readonly RecurringJob[]): SafeHtml {
  const rows = jobs.map(
    (job) => html`<tr data-job-name="${job.name}"${job.paused ? html` class="paused"` : ""}>
<th scope="row"><a href="${href(context, "/jobs", { name: job.name })}">${job.name}</a>${pausedBadge(job.paused)}</th>
<td>${job.scheduleKind}</td><td>${job.overlap}</td><td>${job.misfire}</td><td>${job.group ?? html`<span class="none">—</span>`}</td>
<td>${job.paused ? html`<span class="none">paused</span>` : timeOf(context, job.nextDueTime)}</td>
<td class="outcome">${outcomeSummary(context, job.lastOutcome)}</td>
<td class="actions">${nameActions(context, job.name, job.paused, true)}</td>
</tr>`,
  );
  return html`<div class="table-wrap"><table><thead><tr><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col">Overlap</th><th scope="col">Misfire</th><th scope="col">Group</th><th scope="col">Next due</th><th scope="col">Last outcome</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function describeSchedule(schedule: ScheduleInfo): string {
  if (schedule.cron !== null)
    return `cron ${schedule.cron}${schedule.timeZone === null ? "" : ` (${schedule.timeZone})`}`;
  if (schedule.fixedRate !== null) return `every ${formatDuration(schedule.fixedRate)}`;
  if (schedule.fixedDelay !== null) return `${formatDuration(schedule.fixedDelay)} after each run`;
  return "—";
}

function userDefinedTable(context: ViewContext, schedules: readonly ScheduleInfo[]): SafeHtml {
  const rows = schedules.map(
    (schedule) => html`<tr data-schedule-key="${schedule.scheduleKey}">
<th scope="row"><code>${schedule.scheduleKey}</code>${schedule.enabled ? "" : html` <span class="badge">disabled</span>`}${pausedBadge(schedule.paused)}</th>
<td><a href="${href(context, "/jobs", { name: schedule.jobName })}">${schedule.jobName}</a></td>
<td>${describeSchedule(schedule)}</td>
<td><pre class="json compact">${formatJson(schedule.payload)}</pre></td>
<td>${schedule.paused || !schedule.enabled ? html`<span class="none">—</span>` : timeOf(context, schedule.nextDueTime)}</td>
<td class="outcome">${outcomeSummary(context, schedule.lastOutcome)}</td>
</tr>`,
  );
  return html`<div class="table-wrap"><table><thead><tr><th scope="col">Key</th><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col">Payload</th><th scope="col">Next due</th><th scope="col">Last outcome</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

export function schedulesPage(
  context: ViewContext,
  schedules: Schedules,
  notice: Notice | null,
): SafeHtml {
  return layout(context, {
    title: "Schedules",
    section: "schedules",
    notice,
    header: html`<h1>Schedules</h1>`,
    live: schedulesLive(context, schedules),
  });
}
