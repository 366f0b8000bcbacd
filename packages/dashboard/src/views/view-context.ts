/** What every view needs to know about the request it answers and how the dashboard is set up. */
export interface ViewContext {
  /** Where the dashboard is mounted (`""` or `/ops/jobs`); every link starts with it. */
  readonly basePath: string;
  /** No action buttons are drawn (and every action POST is refused). */
  readonly readOnly: boolean;
  /** The page's path and query inside the dashboard: where an action returns to. */
  readonly currentPath: string;
  /** The moment the data was read: relative times ("3 min ago") are measured from it. */
  readonly now: Date;
  /** Content hashes of the stylesheet and the script (cache busting). */
  readonly assetVersions: { readonly css: string; readonly js: string };
  /** How often the page re-reads its live part, in ms; 0 turns it off. */
  readonly refreshIntervalMs: number;
}

/** An absolute URL path inside the dashboard: `href(context, "/jobs", { status: "failed" })`. */
export function href(
  context: Pick<ViewContext, "basePath">,
  path: string,
  query: Record<string, string | readonly string[] | null | undefined> = {},
): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === null || value === undefined) continue;
    for (const item of typeof value === "string" ? [value] : value) search.append(name, item);
  }
  const text = search.toString();
  return `${context.basePath}${path}${text === "" ? "" : `?${text}`}`;
}
