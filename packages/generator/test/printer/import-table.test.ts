import { describe, expect, it } from "vitest";
import { ImportTable } from "../../src/printer/import-table.js";

const file = (path: string, exportName: string) => ({
  exportName,
  declaredName: exportName,
  from: { kind: "file" as const, path },
});

describe("the import table of a generated module", () => {
  it("gives the first name its own spelling and later different names stable suffixes", () => {
    const table = new ImportTable("/app/src/jobs.generated.ts", "js", ["jobRegistry"]);
    expect(table.use(file("/app/src/a.ts", "Payload"), false)).toBe("Payload");
    expect(table.use(file("/app/src/b.ts", "Payload"), false)).toBe("Payload_2");
    expect(table.use(file("/app/src/a.ts", "Payload"), false)).toBe("Payload");
    expect(table.use(file("/app/src/c.ts", "jobRegistry"), true)).toBe("jobRegistry_2");
  });

  it("imports type-only names with import type and mixes value and type names in one declaration", () => {
    const table = new ImportTable("/app/src/jobs.generated.ts", "js", []);
    table.use(file("/app/src/jobs.ts", "SendEmailJob"), true);
    table.use(file("/app/src/jobs.ts", "SendEmailPayload"), false);
    table.use(file("/app/src/services.ts", "EmailSender"), false);
    table.useFixed("@elarion/runtime", "defineJobRegistry", true);
    expect(table.print()).toBe(
      [
        'import { defineJobRegistry } from "@elarion/runtime";',
        'import { SendEmailJob, type SendEmailPayload } from "./jobs.js";',
        'import type { EmailSender } from "./services.js";',
      ].join("\n"),
    );
  });

  it("imports a default export under its declared name", () => {
    const table = new ImportTable("/app/src/jobs.generated.ts", "none", []);
    table.use(
      {
        exportName: "default",
        declaredName: "InvoiceJob",
        from: { kind: "file", path: "/app/src/invoice.ts" },
      },
      true,
    );
    expect(table.print()).toBe('import { default as InvoiceJob } from "./invoice";');
  });
});
