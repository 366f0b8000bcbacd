/**
 * Fixture projects whose generated output is committed under `<fixture>/expected/` and must
 * type-check under the strict flags; `diagnostics` are the warnings they are expected to report
 * (`code category file:line:column`).
 */
export const VALID_FIXTURES: readonly { readonly name: string; readonly diagnostics: readonly string[] }[] = [
  { name: "basic-app", diagnostics: [] },
  { name: "payload-shapes", diagnostics: ["ELG015 warning src/jobs.ts:6:20"] },
  { name: "aliases-and-constants", diagnostics: [] },
  { name: "bundler-imports", diagnostics: [] },
  { name: "ts-extension-imports", diagnostics: [] },
];
