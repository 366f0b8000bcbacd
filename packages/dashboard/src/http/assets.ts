import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** One file of the dashboard's own assets, read once and named by its content hash. */
export interface Asset {
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** First 16 hex digits of its SHA-256: pages link `?v=<hash>`, so a new version is never served stale. */
  readonly hash: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  "dashboard.css": "text/css; charset=utf-8",
  "dashboard.js": "text/javascript; charset=utf-8",
};

/**
 * The stylesheet and the script, shipped in the package next to the code (`src/assets` in the
 * repository, copied to `dist/assets` by the build): nothing is fetched from elsewhere at run time.
 */
export function loadAssets(): ReadonlyMap<string, Asset> {
  const folder = new URL("../assets/", import.meta.url);
  const assets = new Map<string, Asset>();
  for (const [name, contentType] of Object.entries(CONTENT_TYPES)) {
    const body = readFileSync(new URL(name, folder));
    assets.set(name, {
      name,
      contentType,
      body,
      hash: createHash("sha256").update(body).digest("hex").slice(0, 16),
    });
  }
  return assets;
}
