import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const generatorPackageDir = path.resolve(here, "../../..");
const repositoryRoot = path.resolve(generatorPackageDir, "../..");
const fixturesDir = path.resolve(here, "../fixtures");

/** A fixture app copied to a temporary directory: a clean checkout, nothing generated yet. */
export interface FixtureApp {
  readonly dir: string;
  readonly registryFile: string;
  readonly descriptorsFile: string;
  path(relative: string): string;
  read(relative: string): string;
  write(relative: string, text: string): void;
  remove(): void;
}

/**
 * Copies `fixtures/<name>` to a fresh directory under the OS temp dir and links the packages it
 * needs into its node_modules, the way an installed app would see them: `@elarion/runtime` and
 * `@elarion/generator` (this workspace's built packages), `typescript`, `ts-patch`, `esbuild` and
 * `@types/node`.
 */
export function copyFixtureApp(name: string): FixtureApp {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `elarion-${name}-`)));
  fs.cpSync(path.join(fixturesDir, name), dir, { recursive: true });
  const links: Record<string, string> = {
    "@elarion/runtime": path.join(repositoryRoot, "packages/runtime"),
    "@elarion/generator": generatorPackageDir,
    typescript: path.join(generatorPackageDir, "node_modules/typescript"),
    "ts-patch": path.join(generatorPackageDir, "node_modules/ts-patch"),
    esbuild: path.join(generatorPackageDir, "node_modules/esbuild"),
    "@types/node": path.join(repositoryRoot, "node_modules/@types/node"),
  };
  for (const [packageName, target] of Object.entries(links)) {
    const link = path.join(dir, "node_modules", packageName);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(fs.realpathSync(target), link, "dir");
  }
  const resolve = (relative: string): string => path.join(dir, relative);
  return {
    dir,
    registryFile: resolve("src/jobs.generated.ts"),
    descriptorsFile: resolve("src/jobs.generated.descriptors.ts"),
    path: resolve,
    read: (relative) => fs.readFileSync(resolve(relative), "utf8"),
    write: (relative, text) => {
      fs.mkdirSync(path.dirname(resolve(relative)), { recursive: true });
      fs.writeFileSync(resolve(relative), text);
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A second job class whose name collides with "emails.send": the generator must reject it. */
export const DUPLICATE_JOB_FILE = {
  path: "src/jobs/duplicate-email-job.ts",
  text: [
    'import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";',
    "",
    '@ScheduledJob("emails.send")',
    "export class DuplicateEmailJob implements IScheduledJob<{ to: string }> {",
    "  execute(payload: { to: string }, context: ScheduledJobContext): void {",
    "    void payload, context;",
    "  }",
    "}",
    "",
  ].join("\n"),
  /**
   * Where the generator may report the clash: at the new decorator (line 3) or at the original
   * one in send-email-job.ts (line 9), as `file:line:col` (CLI) or `file(line,col)` (tsc).
   */
  cliDiagnostic: /src\/jobs\/(duplicate-email-job\.ts:3|send-email-job\.ts:9):\d+ - error ELG001: /,
  tscDiagnostic:
    /src\/jobs\/(duplicate-email-job\.ts\(3|send-email-job\.ts\(9),\d+\): error TS990001: ELG001: /,
  esbuildLocation: {
    files: ["src/jobs/duplicate-email-job.ts", "src/jobs/send-email-job.ts"],
    lines: [3, 9],
  },
};

/** A new runtime job file, as a developer would add one while a watcher runs. */
export function newJobFile(jobName: string, className: string): string {
  return [
    'import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";',
    "",
    `@ScheduledJob(${JSON.stringify(jobName)})`,
    `export class ${className} implements IScheduledJob<{ week: number }> {`,
    "  execute(payload: { week: number }, context: ScheduledJobContext): void {",
    "    void payload, context;",
    "  }",
    "}",
    "",
  ].join("\n");
}

/** A job whose payload holds a Date or a string in one place: the generator warns (ELG015) but the build goes on. */
export const DATE_PAYLOAD_JOB_FILE = {
  path: "src/jobs/reminder-job.ts",
  text: [
    'import { ScheduledJob, type IScheduledJob, type ScheduledJobContext } from "@elarion/runtime";',
    "",
    "export interface ReminderPayload {",
    "  dueAt: Date | string;",
    "}",
    "",
    '@ScheduledJob("reminders.send")',
    "export class ReminderJob implements IScheduledJob<ReminderPayload> {",
    "  execute(payload: ReminderPayload, context: ScheduledJobContext): void {",
    "    void payload, context;",
    "  }",
    "}",
    "",
  ].join("\n"),
};
