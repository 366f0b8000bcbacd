import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

// The first compiler message a user sees must name what is wrong: the payload field, the missing
// service key, the misspelt policy. These tests compile snippets against the runtime's sources and
// assert on the text of the message, not only on the presence of an error.

const here = path.dirname(fileURLToPath(import.meta.url));

/** A registry typed exactly as the generator prints one: services, classes, payloads, policy names. */
const REGISTRY = `
import { createScheduler, defineJobRegistry, type IScheduledJob, type JobRegistry } from "../../src/index.js";
export interface SendEmailPayload { to: string; subject: string; body: string }
export interface EmailSender { send(to: string): Promise<void> }
export interface Ledger { close(): void }
export class SendEmailJob implements IScheduledJob<SendEmailPayload> {
  constructor(private readonly sender: EmailSender) {}
  async execute(payload: SendEmailPayload): Promise<void> { await this.sender.send(payload.to); }
}
export class CloseLedgerJob implements IScheduledJob<void> {
  constructor(private readonly ledger: Ledger) {}
  execute(): void { this.ledger.close(); }
}
export type JobServices = { EmailSender: EmailSender; Ledger: Ledger };
export type JobClasses = typeof SendEmailJob | typeof CloseLedgerJob;
export type JobPayloads = { "emails.send": SendEmailPayload; "ledger.close": void };
export type JobPolicyNames = "email-retry" | "ledger-retry";
export const jobRegistry: JobRegistry<JobServices, JobClasses, JobPayloads, JobPolicyNames> = defineJobRegistry([], []);
declare const sender: EmailSender;
declare const ledger: Ledger;
export const scheduler = createScheduler({ registry: jobRegistry, services: { EmailSender: sender, Ledger: ledger } });
export { createScheduler };
`;

const SNIPPETS = {
  missingField: `await scheduler.enqueue(SendEmailJob, { to: "a@example.com", body: "hi" });`,
  wrongFieldType: `await scheduler.schedule(SendEmailJob, { to: 42, subject: "s", body: "b" }, Date.now());`,
  missingFieldByName: `await scheduler.enqueue("emails.send", { to: "a@example.com", body: "hi" });`,
  unknownName: `await scheduler.enqueue("emails.sned", { to: "a@example.com", subject: "s", body: "b" });`,
  emptyServices: `createScheduler({ registry: jobRegistry, services: {} });`,
  oneServiceMissing: `createScheduler({ registry: jobRegistry, services: { EmailSender: sender } });`,
  misspeltPolicy: `await scheduler.enqueue(SendEmailJob, { to: "a", subject: "s", body: "b" }, { resilience: "email-retyr" });`,
  valid:
    `await scheduler.enqueue(SendEmailJob, { to: "a", subject: "s", body: "b" }, { resilience: "email-retry" });\n` +
    `await scheduler.enqueue("ledger.close", undefined);\n` +
    `createScheduler({ registry: jobRegistry, services: (key) => ({ EmailSender: sender, Ledger: ledger })[key] });`,
} as const;

type Snippet = keyof typeof SNIPPETS;

/** The first error of each snippet, flattened as the compiler prints it. */
let firstErrors: Record<Snippet, string | undefined>;

beforeAll(() => {
  const files = new Map<string, string>([[path.join(here, "__registry__.ts"), REGISTRY]]);
  for (const [name, code] of Object.entries(SNIPPETS)) {
    const prelude =
      'import { CloseLedgerJob, SendEmailJob, createScheduler, jobRegistry, scheduler } from "./__registry__.js";\n' +
      'import type { EmailSender, Ledger } from "./__registry__.js";\n' +
      "declare const sender: EmailSender;\ndeclare const ledger: Ledger;\nvoid CloseLedgerJob;\n";
    files.set(path.join(here, `__${name}__.ts`), `${prelude}${code}\nexport {};\n`);
  }
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
  };
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (fileName) =>
    files.has(path.resolve(fileName)) || fileExists.call(host, fileName);
  host.readFile = (fileName) => files.get(path.resolve(fileName)) ?? readFile.call(host, fileName);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = files.get(path.resolve(fileName));
    return text === undefined
      ? getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate)
      : ts.createSourceFile(fileName, text, languageVersion, true);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  const outside = diagnostics.filter(
    (diagnostic) =>
      !files.has(path.resolve(diagnostic.file?.fileName ?? "")) ||
      diagnostic.file?.fileName.endsWith("__registry__.ts"),
  );
  expect(
    outside.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")),
  ).toEqual([]);
  firstErrors = Object.fromEntries(
    Object.keys(SNIPPETS).map((name) => {
      const first = diagnostics.find(
        (diagnostic) => path.basename(diagnostic.file?.fileName ?? "") === `__${name}__.ts`,
      );
      return [
        name,
        first === undefined ? undefined : ts.flattenDiagnosticMessageText(first.messageText, "\n"),
      ];
    }),
  ) as Record<Snippet, string | undefined>;
}, 60_000);

describe("the compiler's first message names the problem", () => {
  it("a payload missing a field names the field, not the by-name overload", () => {
    expect(firstErrors.missingField).toContain(
      "Property 'subject' is missing in type '{ to: string; body: string; }' but required in type 'SendEmailPayload'",
    );
    expect(firstErrors.missingField).not.toMatch(/overload|'"emails.send"'/);
  });

  it("a payload field of the wrong type is reported as that field's type", () => {
    expect(firstErrors.wrongFieldType).toBe("Type 'number' is not assignable to type 'string'.");
  });

  it("by name, a missing field is named too", () => {
    expect(firstErrors.missingFieldByName).toContain("Property 'subject' is missing");
  });

  it("an unknown job name lists the names and classes the registry has", () => {
    expect(firstErrors.unknownName).toContain(
      `Argument of type '"emails.sned"' is not assignable to parameter of type`,
    );
    expect(firstErrors.unknownName).toContain(`'JobClasses | "emails.send" | "ledger.close"'`);
  });

  it("services: {} names a missing service key", () => {
    expect(firstErrors.emptyServices).toBe(
      "Type '{}' is missing the following properties from type 'JobServices': EmailSender, Ledger",
    );
  });

  it("a services object without one key names that key", () => {
    expect(firstErrors.oneServiceMissing).toContain(
      "Property 'Ledger' is missing in type '{ EmailSender: EmailSender; }' but required in type 'JobServices'",
    );
  });

  it("a misspelt resilience policy name lists the registry's policy names", () => {
    expect(firstErrors.misspeltPolicy).toContain(`Type '"email-retyr"' is not assignable to type`);
    expect(firstErrors.misspeltPolicy).toContain(`Did you mean '"email-retry"'?`);
  });

  it("accepts correct calls, a void payload by name and an unannotated resolver", () => {
    expect(firstErrors.valid).toBeUndefined();
  });
});
