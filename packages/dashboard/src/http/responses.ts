import type { ServerResponse } from "node:http";

/**
 * Headers of every page and JSON answer. The Content-Security-Policy allows only this dashboard's
 * own stylesheet and script (no inline script, no other origin), so even markup that escaped
 * escaping could not run; the page cannot be framed (clickjacking) and forms post only here.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
  "Cache-Control": "no-store",
};

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headOnly: boolean,
  extra: Record<string, string> = {},
): void {
  const buffer = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    "Content-Type": contentType,
    "Content-Length": String(buffer.length),
  });
  response.end(headOnly ? undefined : buffer);
}

export function sendHtml(
  response: ServerResponse,
  status: number,
  body: string,
  headOnly = false,
): void {
  send(response, status, "text/html; charset=utf-8", body, headOnly);
}

/** JSON with Dates as ISO strings (their `toJSON`). */
export function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headOnly = false,
): void {
  send(response, status, "application/json; charset=utf-8", JSON.stringify(value), headOnly);
}

/** A 303 after an action (post/redirect/get): reloading the page does not repeat the action. */
export function redirectAfterPost(response: ServerResponse, location: string): void {
  response.writeHead(303, { ...SECURITY_HEADERS, Location: location, "Content-Length": "0" });
  response.end();
}

/** A static asset: cached for a year when asked for by its content hash, revalidated otherwise. */
export function sendAsset(
  response: ServerResponse,
  asset: { readonly contentType: string; readonly body: Buffer; readonly hash: string },
  options: {
    readonly versioned: boolean;
    readonly notModified: boolean;
    readonly headOnly: boolean;
  },
): void {
  const headers = {
    "X-Content-Type-Options": "nosniff",
    ETag: `"${asset.hash}"`,
    "Cache-Control": options.versioned ? "public, max-age=31536000, immutable" : "no-cache",
  };
  if (options.notModified) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  response.writeHead(200, {
    ...headers,
    "Content-Type": asset.contentType,
    "Content-Length": String(asset.body.length),
  });
  response.end(options.headOnly ? undefined : asset.body);
}
