import { memoryStore, type JobStore } from "@elarion/runtime";
import { afterEach, describe, expect, it } from "vitest";
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

describe.each<[string, () => JobStore]>([["memory", () => memoryStore()]])("10,000 jobs on the %s store", (_name, store) => {
  it("the jobs page shows every one of them exactly once, newest first, following 'Older →' from the first page to the last", async () => {
    const { scheduler, clock } = await startTestScheduler({ store: store() });
    const created: string[] = [];
    for (let index = 0; index < JOBS; index++) {
      created.push((await scheduler.schedule(JobClasses.SendEmailJob, { to: `user${index}@example.com` }, clock.now() + 86_400_000)).jobId);
      if (index % 100 === 99) await clock.advance(1);
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
