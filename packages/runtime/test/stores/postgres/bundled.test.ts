/**
 * Apps bundle the runtime (esbuild, see examples/esbuild): the store's SQL must travel inside the
 * JavaScript, not be read from .sql files beside it at run time.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { postgresStore as PostgresStoreFactory } from "../../../src/stores/postgres/index.js";
import { createTestSchema, type TestSchema } from "./support/test-database.js";
import { RecordingHost, runtimeJobDescriptor } from "./support/test-host.js";

let db: TestSchema;
let outDir: string;
beforeAll(async () => {
  db = await createTestSchema("bundled");
  outDir = mkdtempSync(path.join(tmpdir(), "elarion-bundle-"));
});
afterAll(async () => {
  rmSync(outDir, { recursive: true, force: true });
  await db?.drop();
});

describe("postgresStore bundled into one file", () => {
  it("migrates and runs a job from a bundle that has no .sql file beside it", async () => {
    const outfile = path.join(outDir, "app.mjs");
    await build({
      entryPoints: [new URL("../../../src/stores/postgres/index.ts", import.meta.url).pathname],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile,
      // pg's optional native binding and its Cloudflare transport are not used on Node.
      external: ["pg-native", "cloudflare:sockets"],
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: "silent",
    });
    expect(readdirSync(outDir)).toEqual(["app.mjs"]);
    const bundled = (await import(pathToFileURL(outfile).href)) as {
      postgresStore: typeof PostgresStoreFactory;
    };
    const store = bundled.postgresStore({
      pool: db.openPool(2),
      schema: db.schema.name,
      pollIntervalMs: 60_000,
    });
    await store.open(new RecordingHost([runtimeJobDescriptor("reports.build")]));
    try {
      const now = Date.now();
      const job = {
        jobId: randomUUID(),
        runId: randomUUID(),
        jobName: "reports.build",
        payload: null,
        dueTimeMs: now,
        createdAtMs: now,
      };
      await store.insertJob({
        ...job,
        correlationId: null,
        maxAttempts: 1,
        resilience: null,
        resilienceMode: "inline",
        key: null,
        onDuplicate: "keep",
        occurrence: null,
      });

      const claimed = await store.claimDueRuns(now, 10);

      expect(claimed.map((run) => run.runId)).toEqual([job.runId]);
    } finally {
      await store.end();
    }
  });
});
