// The descriptors of the worker's jobs, as the generator would print them. Shared by the worker
// processes (which run them) and the tests (which enqueue by name through a descriptor set).

/** @returns {import("../../../../src/registry/job-descriptor.js").JobDescriptor[]} */
export function workerDescriptors({ recurring = false, slowRecurring = false } = {}) {
  const base = {
    target: { kind: "class", className: "WorkerJob" },
    supportsRuntimeScheduling: true,
    schedule: null,
    overlap: "skip",
    overlapExplicit: false,
    maxConcurrentRuns: 0,
    group: null,
    misfire: "fire-once",
    resilience: null,
    enabled: true,
    placement: "cluster",
    dependencies: [],
    sourceFile: "test/stores/postgres/workers/worker.mjs",
    validatePayload: null,
  };
  const descriptors = [
    { ...base, name: "noop.record" },
    { ...base, name: "slow.block" },
    { ...base, name: "timed.probe" },
    { ...base, name: "flaky.once" },
    { ...base, name: "schedule.slot" },
  ];
  if (recurring) {
    descriptors.push({
      ...base,
      name: "recurring.tick",
      target: { kind: "method", className: "WorkerJob", methodName: "tick", isStatic: true },
      supportsRuntimeScheduling: false,
      schedule: { kind: "cron", expression: "* * * * * *", timeZone: "UTC" },
    });
  }
  if (slowRecurring) {
    // Every second, each run taking longer than that: under the default overlap "skip", a slot
    // whose previous run is still executing — in any process — is skipped.
    descriptors.push({
      ...base,
      name: "recurring.slow",
      target: { kind: "method", className: "WorkerJob", methodName: "slow", isStatic: true },
      supportsRuntimeScheduling: false,
      schedule: { kind: "cron", expression: "* * * * * *", timeZone: "UTC" },
    });
  }
  return descriptors;
}
