import type { Notice } from "../http/notices.js";
import { html, type SafeHtml } from "../html/html.js";
import { href, type ViewContext } from "./view-context.js";

export type Section = "overview" | "jobs" | "schedules";

/** One page: its title, where it sits in the navigation, the part that stays and the part that refreshes. */
export interface PageParts {
  readonly title: string;
  readonly section: Section | null;
  readonly notice?: Notice | null;
  /** Heading and controls that must not change under the operator's hands (the filter form). */
  readonly header: SafeHtml;
  /** The part the script re-reads every refresh interval (`#live`). */
  readonly live: SafeHtml;
}

const SECTIONS: readonly {
  readonly section: Section;
  readonly label: string;
  readonly path: string;
}[] = [
  { section: "overview", label: "Overview", path: "/" },
  { section: "jobs", label: "Jobs", path: "/jobs" },
  { section: "schedules", label: "Schedules", path: "/schedules" },
];

/** The whole HTML document of a page. */
export function layout(context: ViewContext, page: PageParts): SafeHtml {
  const nav = SECTIONS.map(
    (item) =>
      html`<a href="${href(context, item.path)}"${item.section === page.section ? html` aria-current="page"` : ""}>${item.label}</a>`,
  );
  const refresh =
    context.refreshIntervalMs > 0
      ? html`<label class="refresh"><input type="checkbox" id="auto-refresh" checked> Auto-refresh</label><span id="refreshed" class="refreshed">${`as of ${context.now.toISOString().slice(11, 19)} UTC`}</span>`
      : html``;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Elarion</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${href(context, "/assets/dashboard.css", { v: context.assetVersions.css })}">
<script src="${href(context, "/assets/dashboard.js", { v: context.assetVersions.js })}" defer></script>
</head>
<body data-refresh-ms="${context.refreshIntervalMs}">
<header class="top">
<a class="brand" href="${href(context, "/")}">Elarion <span>jobs</span></a>
<nav>${nav}</nav>
<div class="status-line">${context.readOnly ? html`<span class="read-only" title="Actions are off: pass authorize (or readOnly: false) to createDashboard">read-only</span>` : ""}${refresh}</div>
</header>
<main>
${page.notice ? noticeBanner(page.notice) : ""}
${page.header}
<div id="live">${page.live}</div>
</main>
</body>
</html>
`;
}

function noticeBanner(notice: Notice): SafeHtml {
  return html`<p class="notice notice-${notice.tone}" role="status">${notice.text} <strong>${notice.subject}</strong>.</p>`;
}

/** A page that says what went wrong (an unknown job, a refused action) and where to go next. */
export function errorPage(context: ViewContext, title: string, message: string): SafeHtml {
  // Nothing to refresh: the answer to a POST, or a page that does not exist.
  return layout(
    { ...context, refreshIntervalMs: 0 },
    {
      title,
      section: null,
      header: html`<h1>${title}</h1>`,
      live: html`<p class="problem">${message}</p><p><a href="${href(context, "/")}">Back to the overview</a></p>`,
    },
  );
}
