import { execFileSync } from "node:child_process";
import os from "node:os";
import pg from "pg";

/** The machine and versions a results table was measured on. */
export interface MachineDescription {
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly postgres: string;
  readonly loadAverage: readonly number[];
  /** `git describe`-style commit of the working tree measured, "+ local changes" when dirty. */
  readonly commit: string;
}

export const DATABASE_URL =
  process.env.ELARION_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export async function describeMachine(): Promise<MachineDescription> {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: await postgresVersion(),
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
    commit: workingTreeCommit(),
  };
}

function workingTreeCommit(): string {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      encoding: "utf8",
    }).trim();
    const dirty =
      execFileSync(
        "git",
        ["status", "--porcelain", "--untracked-files=no", "--", ":(top)packages"],
        { encoding: "utf8" },
      ).trim() !== "";
    return dirty ? `${commit} + local changes in packages/` : commit;
  } catch {
    return "unknown (not a git checkout)";
  }
}

async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>("SHOW server_version");
    return result.rows[0]?.server_version ?? "unknown";
  } catch (error) {
    return `unreachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
