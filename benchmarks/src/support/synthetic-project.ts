import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const SERVICE_COUNT = 20;

/**
 * Writes a TypeScript project with `jobCount` decorated jobs for the generator suite: runtime jobs
 * with JSON payloads and one or two constructor dependencies, plus cron, fixed-rate and method jobs
 * — the mix a real app has. Returns the tsconfig path.
 */
export function writeSyntheticProject(root: string, jobCount: number): string {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, "src", "jobs"), { recursive: true });
  mkdirSync(path.join(root, "src", "services"), { recursive: true });
  writeFileSync(
    path.join(root, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUnusedLocals: true,
          exactOptionalPropertyTypes: true,
          verbatimModuleSyntax: true,
          skipLibCheck: true,
          types: ["node"],
          rootDir: "src",
          outDir: "dist",
        },
        include: ["src"],
      },
      null,
      2,
    ),
  );
  writeFileSync(
    path.join(root, "package.json"),
    JSON.stringify({ name: "synthetic-jobs", private: true, type: "module" }, null, 2),
  );
  for (let service = 0; service < SERVICE_COUNT; service += 1) {
    writeFileSync(
      path.join(root, "src", "services", `service-${service}.ts`),
      serviceSource(service),
    );
  }
  writeFileSync(
    path.join(root, "src", "policies.ts"),
    'import { resiliencePolicy } from "@elarion/runtime";\n\nexport const standardRetry = resiliencePolicy("standard-retry", { maxRetryAttempts: 3, delay: "2s", backoff: "exponential", maxDelay: "1m" });\n',
  );
  for (let job = 0; job < jobCount; job += 1) {
    writeFileSync(path.join(root, "src", "jobs", `job-${job}.ts`), jobSource(job));
  }
  return path.join(root, "tsconfig.json");
}

function serviceSource(service: number): string {
  return `export class Service${service} {
  #calls = 0;
  async handle(id: string, amount: number): Promise<number> {
    this.#calls += 1;
    return id.length + amount + this.#calls;
  }
}
`;
}

function jobSource(job: number): string {
  const first = job % SERVICE_COUNT;
  const second = (job * 7 + 3) % SERVICE_COUNT;
  const runtimeImport =
    job % 5 === 3
      ? "ScheduledJob, type ScheduledJobContext"
      : "ScheduledJob, type IScheduledJob, type ScheduledJobContext";
  const imports =
    `import { ${runtimeImport} } from "@elarion/runtime";\n` +
    `import { Service${first} } from "../services/service-${first}.js";\n` +
    (second !== first
      ? `import { Service${second} } from "../services/service-${second}.js";\n`
      : "");
  const dependencies =
    second !== first
      ? `private readonly primary: Service${first}, private readonly secondary: Service${second}`
      : `private readonly primary: Service${first}`;
  const secondaryCall = (id: string) =>
    second !== first ? `    await this.secondary.handle(${id}, 1);\n` : "";
  switch (job % 5) {
    case 3:
      return `${imports}
export class Report${job} {
  constructor(${dependencies}) {}

  @ScheduledJob("reports.job-${job}", { cron: "${job % 60} ${job % 24} * * *", timeZone: "Europe/Vienna" })
  async run(context: ScheduledJobContext): Promise<void> {
    await this.primary.handle(context.runId, ${job});
${secondaryCall("context.runId")}  }
}
`;
    case 4:
      return `${imports}
@ScheduledJob("sweeps.job-${job}", { fixedRate: "${(job % 9) + 1}m", overlap: "queue" })
export class Sweep${job} implements IScheduledJob<void> {
  constructor(${dependencies}) {}

  async execute(_payload: void, context: ScheduledJobContext): Promise<void> {
    await this.primary.handle(context.jobId, ${job});
${secondaryCall("context.jobId")}  }
}
`;
    default:
      return `${imports}
export interface Job${job}Payload {
  customerId: string;
  amountCents: number;
  tags: string[];
  lines: { sku: string; qty: number; note?: string }[];
  priority: "low" | "normal" | "high";
}

@ScheduledJob("orders.job-${job}", { resilience: "standard-retry" })
export class Job${job} implements IScheduledJob<Job${job}Payload> {
  constructor(${dependencies}) {}

  async execute(payload: Job${job}Payload, context: ScheduledJobContext): Promise<void> {
    if (context.signal.aborted) return;
    await this.primary.handle(payload.customerId, payload.amountCents + payload.lines.length);
${secondaryCall("payload.customerId")}  }
}
`;
  }
}
