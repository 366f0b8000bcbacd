import type { IncomingMessage } from "node:http";

/**
 * Cross-site request forgery protection for the action POSTs, from what browsers say about where a
 * request comes from, so it needs no session, cookie or token (the scheme of Go 1.25's
 * `http.CrossOriginProtection`, stricter about requests that say nothing):
 *
 * 1. `Sec-Fetch-Site` (every current browser sends it): only `same-origin` passes (`none`, typed
 *    or bookmarked, is not how a form posts; `same-site`, `cross-site` are refused). A proxy that
 *    rewrites `Host` cannot confuse this check.
 * 2. Without it (an older browser), `Origin` must name this server's host (the `Host` header).
 * 3. With neither, the request is refused: every browser of the last years sends one of them on a
 *    POST, and a script that wants to act should call the scheduler, or send `Origin` itself.
 *
 * Returns why the request is refused, or `null` when it passes.
 */
export function crossOriginRefusal(request: IncomingMessage): string | null {
  const fetchSite = headerOf(request, "sec-fetch-site");
  if (fetchSite !== undefined) {
    return fetchSite === "same-origin"
      ? null
      : `the browser says this request comes from another site (Sec-Fetch-Site: ${fetchSite})`;
  }
  const origin = headerOf(request, "origin");
  if (origin === undefined) {
    return "the request carries neither Sec-Fetch-Site nor Origin, so it cannot be told apart from a forged one; post from the dashboard page, or send an Origin header naming this server";
  }
  const host = headerOf(request, "host");
  let originHost: string | null;
  try {
    originHost = origin === "null" ? null : new URL(origin).host;
  } catch {
    originHost = null;
  }
  if (originHost === null || host === undefined || originHost !== host.toLowerCase()) {
    return `the request comes from ${origin}, not from this server (${host ?? "no Host header"})`;
  }
  return null;
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
