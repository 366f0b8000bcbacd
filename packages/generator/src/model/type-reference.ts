/** Where a type or class is imported from in the generated code. */
export type ModuleReference =
  /** A source file of the program (absolute path); the printer computes the relative specifier. */
  | { readonly kind: "file"; readonly path: string }
  /** A bare package specifier, reused exactly as the user wrote it (`"pg"`, `"@acme/mail"`). */
  | { readonly kind: "package"; readonly specifier: string };

/** A named export of a module: `exportName` is `"default"` for a default export. */
export interface ImportedName {
  readonly exportName: string;
  /** The name the thing is declared with, the preferred local name for a default export. */
  readonly declaredName: string;
  readonly from: ModuleReference;
}

/**
 * How generated code names a type the user wrote. The analyzer prefers importing the type by
 * name; when it cannot (a non-exported type, an inline type literal, a generic instantiation) it
 * falls back to a type query on the job class, which is always importable.
 */
export type TypeReference =
  /** Imported by name: `import type { SendEmailPayload } from "./jobs/send-email.js"`. */
  | { readonly kind: "import"; readonly name: ImportedName }
  /** Needs no import: keywords and global types (`string`, `void`, `URL`). */
  | { readonly kind: "global"; readonly text: string }
  /** `Parameters<Job["execute"]>[0]`: the payload parameter of the job class's `execute`. */
  | { readonly kind: "execute-payload" }
  /** `ConstructorParameters<typeof Job>[index]`. */
  | { readonly kind: "constructor-parameter"; readonly index: number };
