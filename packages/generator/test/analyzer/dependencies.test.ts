import { describe, expect, it } from "vitest";
import { generateVirtual } from "../support/virtual-project.js";

describe("constructor dependencies become service keys", () => {
  it("shares one key between jobs that inject the same type, in constructor order per job", () => {
    const result = generateVirtual({
      "src/services.ts":
        "export interface Mailer { send(): void }\nexport class Clock { now(): number { return 0; } }",
      "src/jobs.ts": [
        'import { ScheduledJob } from "@elarion/runtime";',
        'import type { Mailer } from "./services.js";',
        'import { Clock } from "./services.js";',
        '@ScheduledJob("a.first")',
        "export class FirstJob { constructor(readonly mailer: Mailer, readonly clock: Clock) {} execute(): void {} }",
        '@ScheduledJob("a.second")',
        "export class SecondJob { constructor(readonly clock: Clock, readonly mailer: Mailer) {} execute(): void {} }",
      ].join("\n"),
    });
    expect(result.diagnostics).toEqual([]);
    const [registry, descriptors] = result.files;
    expect(registry!.text).toContain(
      "export type JobServices = {\n  Clock: Clock;\n  Mailer: Mailer;\n};",
    );
    expect(registry!.text).toContain('import type { Clock, Mailer } from "./services.js";');
    expect(descriptors!.text).toContain('dependencies: ["Mailer", "Clock"]');
    expect(descriptors!.text).toContain('dependencies: ["Clock", "Mailer"]');
  });

  it("takes the dependencies of an inherited constructor", () => {
    const result = generateVirtual({
      "src/jobs.ts": [
        'import { ScheduledJob } from "@elarion/runtime";',
        "export interface Store { put(): void }",
        "export abstract class StoreJob { constructor(protected readonly store: Store) {} }",
        '@ScheduledJob("b.derived")',
        "export class DerivedJob extends StoreJob { execute(): void { this.store.put(); } }",
      ].join("\n"),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.files[0]!.text).toContain('new DerivedJob(services["Store"] as Store).execute()');
  });
});
