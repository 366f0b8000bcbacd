import { createScheduler } from "@elarion/runtime";
import { loadRuntimeAt } from "./dist/src/support/baseline-runtime.js";
import { NoopJob } from "./dist/fixture/src/jobs/noop-job.js";
import { jobRegistry } from "./dist/fixture/src/jobs.generated.js";
import { fixtureServices } from "./dist/src/support/fixture-services.js";
const before = await loadRuntimeAt(process.argv[2] ?? "55d4d49");
async function run(create, opts, N) {
  const services = fixtureServices();
  const s = create({ registry: jobRegistry, services, ...opts });
  await s.start();
  const all = services.Tally.reached(N);
  globalThis.gc?.(); const t = performance.now();
  for (let n = 0; n < N; n++) await s.enqueue(NoopJob, { n });
  await all; await s.whenIdle();
  const ms = performance.now() - t;
  await s.stop();
  return N / (ms / 1000);
}
const variants = { before: () => run(before.createScheduler, {}, 100000), off: () => run(createScheduler, { telemetry: false }, 100000), api: () => run(createScheduler, {}, 100000) };
const rates = { before: [], off: [], api: [] };
for (const k of Object.keys(variants)) await variants[k]();
const keys = Object.keys(variants);
for (let r = 0; r < 11; r++) for (let i = 0; i < keys.length; i++) { const k = keys[(r + i) % keys.length]; rates[k].push(await variants[k]()); }
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const k of keys) console.log(k, Math.round(med(rates[k])), rates[k].map(Math.round).join(" "));
console.log("off/before", (med(rates.off) / med(rates.before)).toFixed(3), "api/before", (med(rates.api) / med(rates.before)).toFixed(3));
process.exit(0);
