/**
 * One generator finding, with a stable code and a 1-based location. Errors fail the build;
 * warnings are reported and the build goes on.
 *
 * @example
 * ```ts
 * // { code: "ELG001", category: "error", message: "Duplicate job name \"emails.send\" ...",
 * //   file: "/app/src/jobs/a.ts", line: 3, column: 15, start: 57, length: 13 }
 * ```
 */
export interface ElarionDiagnostic {
  readonly code: string;
  readonly category: "error" | "warning";
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** Absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** 0-based character offset of the reported span in the file. */
  readonly start: number;
  readonly length: number;
}
