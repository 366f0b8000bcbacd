/**
 * `@opentelemetry/api` is an optional peer dependency: an application that does not install it
 * gets a runtime that loads and runs, with telemetry off. Proven in a separate install — the
 * packed runtime installed with npm into a temporary app outside this repository, where no
 * `node_modules` up the tree can provide the API.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const runtimeDirectory = fileURLToPath(new URL("../..", import.meta.url));
const app = mkdtempSync(join(tmpdir(), "elarion-without-otel-"));
afterAll(() => rmSync(app, { recursive: true, force: true }));

const APP_SCRIPT = `
import { createRequire } from "node:module";
import { createScheduler, defineJobRegistry } from "@elarion/runtime";

const require = createRequire(import.meta.url);
let apiResolvable = true;
try { require.resolve("@opentelemetry/api"); } catch { apiResolvable = false; }

const ran = [];
class GreetJob { execute(payload) { ran.push(payload.name); } }
const registry = defineJobRegistry([{
  descriptor: {
    name: "greet", target: { kind: "class", className: "GreetJob" }, supportsRuntimeScheduling: true, schedule: null,
    overlap: "skip", overlapExplicit: false, maxConcurrentRuns: 0, group: null, misfire: "fire-once", resilience: null,
    enabled: true, placement: "cluster", dependencies: [], sourceFile: "app.mjs", validatePayload: null,
  },
  jobClass: GreetJob,
  invoke: (_services, payload, context) => new GreetJob().execute(payload, context),
}], []);

const scheduler = createScheduler({ registry, services: {} });
await scheduler.start();
await scheduler.enqueue(GreetJob, { name: "Ada" });
await scheduler.schedule("greet", { name: "Grace" }, Date.now());
await scheduler.whenIdle();
await scheduler.stop();

let explicitProviders = null;
try {
  createScheduler({ registry, services: {}, telemetry: { tracerProvider: { getTracer: () => ({}) } } });
} catch (error) {
  explicitProviders = { code: error.code, message: error.message };
}
console.log(JSON.stringify({ apiResolvable, ran, explicitProviders }));
`;

/** The environment of a process outside this repository: pnpm's bin shims put its store on NODE_PATH. */
const { NODE_PATH: _storePath, ...outsideEnvironment } = process.env;

let output: {
  apiResolvable: boolean;
  ran: string[];
  explicitProviders: { code: string; message: string } | null;
};

beforeAll(() => {
  execFileSync("npm", ["pack", "--silent", "--pack-destination", app], {
    cwd: runtimeDirectory,
    env: outsideEnvironment,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tarball = readdirSync(app).find((name) => name.endsWith(".tgz"));
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({
      name: "app-without-otel",
      private: true,
      type: "module",
      dependencies: { "@elarion/runtime": `file:./${tarball}` },
    }),
  );
  writeFileSync(join(app, "app.mjs"), APP_SCRIPT);
  execFileSync(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
    { cwd: app, env: outsideEnvironment, stdio: ["ignore", "ignore", "inherit"] },
  );
  output = JSON.parse(
    execFileSync(process.execPath, ["app.mjs"], {
      cwd: app,
      env: outsideEnvironment,
      encoding: "utf8",
    }).trim(),
  ) as typeof output;
}, 120_000);

describe("an app that does not install @opentelemetry/api", () => {
  it("cannot resolve the API (the install really is without it)", () => {
    expect(output.apiResolvable).toBe(false);
  });

  it("loads the runtime and runs jobs, telemetry off", () => {
    expect(output.ran).toEqual(["Ada", "Grace"]);
  });

  it("asking for explicit providers says what to install (ELR107)", () => {
    expect(output.explicitProviders).toEqual({
      code: "ELR107",
      message: expect.stringContaining(
        "@opentelemetry/api cannot be loaded; install it (npm install @opentelemetry/api)",
      ),
    });
  });
});
