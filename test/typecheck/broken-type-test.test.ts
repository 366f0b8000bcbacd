import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without declarations
import { repositoryRoot, typecheckProject } from "../../scripts/typecheck.mjs";

// The type tests are `@ts-expect-error` lines that only tsc reads (Vitest strips types). This
// proves `pnpm typecheck` turns red when one of them breaks: it type-checks copies of
// packages/runtime/test/scheduler/typing.test.ts with the same tsconfig and the same tsc call.
const root = repositoryRoot as string;
const original = readFileSync(join(root, "packages/runtime/test/scheduler/typing.test.ts"), "utf8");
// Inside the repository (git-ignored) so that vitest and @types/node resolve as they do for the original.
mkdirSync(join(root, ".vitest-tmp"), { recursive: true });
const scratch = mkdtempSync(join(root, ".vitest-tmp", "typecheck-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The type test as it stands, its relative imports pointed back at packages/runtime. */
function copyOfTypingTest(): string {
  const test = join(root, "packages/runtime/test");
  return original
    .replaceAll('from "../../src/', `from "${join(root, "packages/runtime/src")}/`)
    .replaceAll('from "../support/', `from "${join(test, "support")}/`);
}

function replaceOnce(text: string, search: string, replacement: string): string {
  expect(text.split(search).length - 1, `exactly one "${search}" in typing.test.ts`).toBe(1);
  return text.replace(search, replacement);
}

describe("pnpm typecheck over a type test broken on purpose", () => {
  it("passes the intact copy, and fails when an expected type error disappears or a wrong call is written", () => {
    const copies = {
      intact: copyOfTypingTest(),
      // The registry's types got looser (a job name it does not have is accepted), so the call
      // that must not compile compiles, and its @ts-expect-error line is unused (TS2578).
      loosened: replaceOnce(
        copyOfTypingTest(),
        'type JobPayloads = { "emails.send": SendEmailPayload; ',
        'type JobPayloads = { "images.crop": object; "emails.send": SendEmailPayload; ',
      ),
      // A wrong payload without its @ts-expect-error: a plain type error.
      unmarked: replaceOnce(
        copyOfTypingTest(),
        "      // @ts-expect-error wrong payload shape for SendEmailJob\n",
        "",
      ),
    };
    for (const [name, text] of Object.entries(copies))
      writeFileSync(join(scratch, `${name}.test.ts`), text);
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({
        extends: join(root, "packages/runtime/tsconfig.json"),
        compilerOptions: { rootDir: root },
        include: [],
        files: Object.keys(copies).map((name) => `${name}.test.ts`),
      }),
    );

    const { status, output } = typecheckProject(join(scratch, "tsconfig.json")) as {
      status: number;
      output: string;
    };
    const errorsIn = (name: string) =>
      output.split("\n").filter((line) => line.includes(`${name}.test.ts(`));

    expect(status, output).not.toBe(0);
    expect(errorsIn("intact")).toEqual([]);
    expect(errorsIn("loosened").join("\n")).toMatch(
      /error TS2578: Unused '@ts-expect-error' directive/,
    );
    expect(errorsIn("unmarked").join("\n")).toMatch(
      /error TS2322: Type 'number' is not assignable to type 'string'/,
    );
    expect(
      output
        .split("\n")
        .filter((line) => / error TS/.test(line) && !/(loosened|unmarked)\.test\.ts\(/.test(line)),
    ).toEqual([]);
  }, 180_000);
});
