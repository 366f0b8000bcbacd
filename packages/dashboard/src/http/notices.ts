/**
 * The confirmation shown after an action redirects back (post/redirect/get). The redirect carries
 * only a code from this table and the subject (a job id, run id or job name, escaped when shown),
 * never free text, so a crafted link cannot make the dashboard say something it never says.
 */
export const NOTICES = {
  "job-cancelled": "Cancelled job",
  "job-not-cancelled": "Nothing to cancel (the job had already finished) for job",
  "job-retried": "Queued a new run of job",
  "run-cancelled": "Cancelled run",
  "run-not-cancelled":
    "Nothing to cancel (the run had already finished, or is not the job's latest attempt) for run",
  "job-paused": "Paused",
  "job-resumed": "Resumed",
  "job-triggered": "Triggered a run of",
} as const;

export type NoticeCode = keyof typeof NOTICES;

/** A notice to show, read from a page's query (`notice=<code>&subject=<...>`), or `null`. */
export interface Notice {
  readonly text: string;
  readonly subject: string;
  readonly tone: "success" | "warning";
}

export function noticeOf(query: URLSearchParams): Notice | null {
  const code = query.get("notice");
  if (code === null || !Object.hasOwn(NOTICES, code)) return null;
  const tone = code.endsWith("-not-cancelled") ? "warning" : "success";
  return { text: NOTICES[code as NoticeCode], subject: query.get("subject") ?? "", tone };
}

/** `path` with `notice` and `subject` set in its query (replacing earlier ones). */
export function withNotice(path: string, code: NoticeCode, subject: string): string {
  const hashless = path.split("#")[0] ?? path;
  const [pathname, search = ""] = hashless.split("?", 2) as [string, string?];
  const query = new URLSearchParams(search);
  query.set("notice", code);
  query.set("subject", subject);
  return `${pathname}?${query.toString()}`;
}
