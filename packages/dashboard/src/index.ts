// @elarion/dashboard: a web dashboard for an Elarion scheduler, as one Node request handler.
export { createDashboard, type DashboardHandler } from "./create-dashboard.js";
export type { DashboardOptions, DashboardScheduler } from "./dashboard-options.js";
export type { DashboardAction } from "./http/dashboard-action.js";
export type { Overview, JobNameSummary } from "./queries/overview.js";
export type { JobList, JobFilter } from "./queries/job-list.js";
export type { JobDetail, JobRun } from "./queries/job-detail.js";
export type { Schedules, RecurringJob } from "./queries/schedules.js";
