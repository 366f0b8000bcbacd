import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { crossOriginRefusal } from "../../src/http/same-origin.js";

function post(headers: Record<string, string>): IncomingMessage {
  const incoming = new IncomingMessage(new Socket());
  incoming.method = "POST";
  incoming.headers = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return incoming;
}

describe("the same-origin check of action POSTs", () => {
  it.each([
    [{ "Sec-Fetch-Site": "same-origin", Host: "ops.example:8080" }, null],
    // A proxy that rewrote Host does not matter when the browser says same-origin.
    [
      { "Sec-Fetch-Site": "same-origin", Origin: "https://ops.example", Host: "10.0.0.5:3000" },
      null,
    ],
    [
      { "Sec-Fetch-Site": "same-site", Host: "ops.example" },
      /another site \(Sec-Fetch-Site: same-site\)/,
    ],
    [
      { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example", Host: "ops.example" },
      /Sec-Fetch-Site: cross-site/,
    ],
    [{ "Sec-Fetch-Site": "none", Host: "ops.example" }, /Sec-Fetch-Site: none/],
    [{ Origin: "http://ops.example:8080", Host: "ops.example:8080" }, null],
    [{ Origin: "http://OPS.example:8080", Host: "ops.EXAMPLE:8080" }, null],
    [
      { Origin: "https://evil.example", Host: "ops.example" },
      /comes from https:\/\/evil\.example, not from this server \(ops\.example\)/,
    ],
    [{ Origin: "null", Host: "ops.example" }, /comes from null/],
    [{ Origin: "not a url", Host: "ops.example" }, /comes from not a url/],
    [{ Origin: "http://ops.example" }, /no Host header/],
    [{ Host: "ops.example" }, /neither Sec-Fetch-Site nor Origin/],
  ])("%j → %s", (headers, expected) => {
    const refusal = crossOriginRefusal(post(headers));
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(expected);
  });
});
