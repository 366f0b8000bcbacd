import { memoryStore, type JobStore } from "@elarion/runtime";
import { postgresStore } from "@elarion/runtime/postgres";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createDashboard } from "../src/index.js";
import { listen, send, type TestServer } from "./support/http-client.js";
import { JobClasses, startTestScheduler, stopTestSchedulers } from "./support/test-scheduler.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await stopTestSchedulers();
});

const JOBS = 10_000;

/** The PostgreSQL case runs in a schema of its own, dropped after the file. */
const DATABASE_URL =
  process.env["ELARION_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const SCHEMA = `elarion_test_dashboard_paging_${process.pid}`;
let pool: pg.Pool | undefined;
afterAll(async () => {
  await pool?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await pool?.end();
});

function postgres(): JobStore {
  pool ??= new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  return postgresStore({ pool, schema: SCHEMA });
}

describe.each<[string, () => JobStore]>([
  ["memory", () => memoryStore()],
  ["PostgreSQL", postgres],
])("10,000 jobs on the %s store", (_name, store) => {
  it("the jobs page shows every one of them exactly once, newest first, following 'Older →' from the first page to the last", async () => {
    const { scheduler, clock } = await startTestScheduler({ store: store() });
    const created: string[] = [];
    // A hundred at a time (a durable store group-commits them), a millisecond apart: ids are made
    // in call order, so creation order is the order of `created`.
    for (let index = 0; index < JOBS; index += 100) {
      const batch = Array.from({ length: 100 }, (_, offset) =>
        scheduler.schedule(
          JobClasses.SendEmailJob,
          { to: `user${index + offset}@example.com` },
          clock.now() + 86_400_000,
        ),
      );
      for (const handle of await Promise.all(batch)) created.push(handle.jobId);
      await clock.advance(1);
    }
    const dashboard = createDashboard({ scheduler });
    server = await listen((request, response) => void dashboard(request, response));

    const seen: string[] = [];
    let next: string | null = `${server.origin}/jobs?name=emails.send`;
    let pages = 0;
    while (next !== null) {
      const page = await send(next);
      expect(page.status).toBe(200);
      seen.push(...[...page.body.matchAll(/data-job-id="([^"]+)"/g)].map((match) => match[1]!));
      const older = /<a rel="next" href="([^"]+)">Older →<\/a>/.exec(page.body);
      next = older === null ? null : `${server.origin}${older[1]!.replaceAll("&amp;", "&")}`;
      pages++;
    }
    expect(pages).toBe(JOBS / 50);
    expect(seen).toHaveLength(JOBS);
    expect(new Set(seen).size).toBe(JOBS);
    expect(seen).toEqual([...created].reverse());
  }, 120_000);
});
