/**
 * The six things an operator can do from the dashboard, each a POST to its own path (so a form
 * needs no body and any framework's body parser can stay out of the way):
 *
 * | action        | path                            | scheduler call        |
 * | ------------- | ------------------------------- | --------------------- |
 * | `cancel-job`  | `POST /jobs/<jobId>/cancel`     | `cancelJob(jobId)`    |
 * | `retry-job`   | `POST /jobs/<jobId>/retry`      | `retryJob(jobId)`     |
 * | `cancel-run`  | `POST /runs/<runId>/cancel`     | `cancelRun(runId)`    |
 * | `pause-job`   | `POST /job-names/<name>/pause`  | `pauseJob(name)`      |
 * | `resume-job`  | `POST /job-names/<name>/resume` | `resumeJob(name)`     |
 * | `trigger-job` | `POST /job-names/<name>/trigger`| `triggerJob(name)`    |
 */
export type DashboardAction =
  | { readonly kind: "cancel-job"; readonly jobId: string }
  | { readonly kind: "retry-job"; readonly jobId: string }
  | { readonly kind: "cancel-run"; readonly runId: string }
  | { readonly kind: "pause-job"; readonly jobName: string }
  | { readonly kind: "resume-job"; readonly jobName: string }
  | { readonly kind: "trigger-job"; readonly jobName: string };

/** The action a POST's path segments name, or `null`. */
export function parseAction(segments: readonly string[]): DashboardAction | null {
  if (segments.length !== 3) return null;
  const [collection, subject, verb] = segments as [string, string, string];
  if (subject === "") return null;
  if (collection === "jobs" && verb === "cancel") return { kind: "cancel-job", jobId: subject };
  if (collection === "jobs" && verb === "retry") return { kind: "retry-job", jobId: subject };
  if (collection === "runs" && verb === "cancel") return { kind: "cancel-run", runId: subject };
  if (collection === "job-names" && verb === "pause")
    return { kind: "pause-job", jobName: subject };
  if (collection === "job-names" && verb === "resume")
    return { kind: "resume-job", jobName: subject };
  if (collection === "job-names" && verb === "trigger")
    return { kind: "trigger-job", jobName: subject };
  return null;
}

/** The path (inside the dashboard) an action is posted to. */
export function actionPath(action: DashboardAction): string {
  switch (action.kind) {
    case "cancel-job":
      return `/jobs/${encodeURIComponent(action.jobId)}/cancel`;
    case "retry-job":
      return `/jobs/${encodeURIComponent(action.jobId)}/retry`;
    case "cancel-run":
      return `/runs/${encodeURIComponent(action.runId)}/cancel`;
    case "pause-job":
      return `/job-names/${encodeURIComponent(action.jobName)}/pause`;
    case "resume-job":
      return `/job-names/${encodeURIComponent(action.jobName)}/resume`;
    case "trigger-job":
      return `/job-names/${encodeURIComponent(action.jobName)}/trigger`;
  }
}

/**
 * Where to go after an action: the `return` query parameter of the form's action URL, if it is a
 * path inside the dashboard (never another site: `//evil.example` and `/\evil.example` are refused),
 * otherwise `fallback`.
 */
export function returnPathOf(query: URLSearchParams, fallback: string): string {
  const requested = query.get("return");
  if (
    requested === null ||
    !requested.startsWith("/") ||
    requested.startsWith("//") ||
    /[\\\s]/.test(requested)
  )
    return fallback;
  return requested;
}
