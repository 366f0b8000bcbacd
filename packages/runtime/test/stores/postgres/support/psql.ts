import { spawn } from "node:child_process";
import { TEST_DATABASE_URL } from "./test-database.js";

/** What psql printed, and how it exited. */
export interface PsqlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Feeds `script` to the `psql` client on the test database, the way a reader pastes SQL into an
 * interactive session; stops at the first error (ON_ERROR_STOP) and reports it.
 */
export function runPsql(script: string, cwd?: string): Promise<PsqlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "psql",
      ["--no-psqlrc", "--set", "ON_ERROR_STOP=1", "--dbname", TEST_DATABASE_URL, "--file", "-"],
      {
        cwd,
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(script);
  });
}
