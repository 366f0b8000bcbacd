import type { IncomingMessage } from "node:http";

/** A request as the dashboard routes it: its path inside the dashboard and its query. */
export interface DashboardRequest {
  readonly method: string;
  /** Path inside the dashboard, percent-encoded as received: `/` (overview), `/jobs`, `/jobs/<id>`... */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Where the dashboard is mounted in the browser's URL space: `""` (the root) or `/ops/jobs`. */
  readonly basePath: string;
}

/** What Express (and connect-style routers) add to a request mounted with `app.use(path, handler)`. */
interface MountedRequest extends IncomingMessage {
  originalUrl?: unknown;
  baseUrl?: unknown;
}

/**
 * Locates the request inside the dashboard, or `null` when its URL is outside `basePath` (the
 * handler then calls `next()`, or answers 404 without one).
 *
 * Express's `app.use("/dashboard", handler)` strips the mount path from `req.url` and keeps the full
 * URL in `req.originalUrl` and the mount path in `req.baseUrl`; node:http and a Fastify route pass the
 * full URL in `req.url`. Routing on the full URL against the base path serves both, and the base path
 * defaults to Express's mount path, so `app.use(path, ...)` needs no `basePath`.
 */
export function resolveDashboardRequest(
  request: IncomingMessage,
  configuredBasePath: string | undefined,
): DashboardRequest | null {
  const mounted = request as MountedRequest;
  const target =
    typeof mounted.originalUrl === "string" ? mounted.originalUrl : (request.url ?? "/");
  const basePath =
    configuredBasePath ??
    (typeof mounted.baseUrl === "string" ? trimTrailingSlash(mounted.baseUrl) : "");
  // A request target is a path ("/x?y") or, from a proxy, an absolute URL; never let "//host/x" read as a host.
  const url = target.startsWith("/")
    ? new URL(`http://dashboard.invalid${target}`)
    : safeUrl(target);
  if (url === null) return null;
  const pathname = url.pathname;
  let path: string;
  if (basePath === "") path = pathname;
  else if (pathname === basePath) path = "/";
  else if (pathname.startsWith(`${basePath}/`)) path = pathname.slice(basePath.length);
  else return null;
  return {
    method: (request.method ?? "GET").toUpperCase(),
    path,
    query: url.searchParams,
    basePath,
  };
}

function safeUrl(target: string): URL | null {
  try {
    return new URL(target);
  } catch {
    return null;
  }
}

function trimTrailingSlash(path: string): string {
  return path.endsWith("/") ? path.slice(0, -1) : path;
}

/** The path split into decoded segments (`/jobs/a%2Fb` → `["jobs", "a/b"]`), or `null` for a malformed escape. */
export function pathSegments(path: string): string[] | null {
  try {
    return path
      .split("/")
      .filter((segment) => segment !== "")
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}
