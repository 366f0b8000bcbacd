import { writeFileSync } from "node:fs";
import { findSuite } from "./suite-catalog.js";

/**
 * Child-process entry: `node run-suite.js <suite-id> <report.json> [--quick]`. Runs one suite and
 * writes its report as JSON; exits non-zero (with the error on stderr) when the suite fails.
 */
async function main(argv: readonly string[]): Promise<void> {
  const [id, reportPath] = argv.filter((arg) => !arg.startsWith("--"));
  if (id === undefined || reportPath === undefined) {
    throw new Error("usage: node run-suite.js <suite-id> <report.json> [--quick]");
  }
  const run = await findSuite(id).load();
  const report = await run({ quick: argv.includes("--quick") });
  writeFileSync(reportPath, JSON.stringify(report, null, 2));
}

main(process.argv.slice(2)).then(
  // Suites close what they open; exiting here also ends any peer library's stray timers.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
