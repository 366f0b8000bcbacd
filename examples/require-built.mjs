// Preloaded by every example's `start` script (`node --import ../require-built.mjs dist/main.js`):
// running an example before building it should print one line saying what to do, not Node's
// module-loader stack trace.
import { existsSync } from "node:fs";
import { basename, relative } from "node:path";

const entry = process.argv[1];
if (entry !== undefined && !existsSync(entry)) {
  const example = basename(process.cwd());
  console.error(
    `${relative(process.cwd(), entry)} does not exist: build the example first ` +
      `(\`npx pnpm@10.34.9 build && npx pnpm@10.34.9 --filter example-${example} run build\` from the repository root).`,
  );
  process.exit(1);
}
