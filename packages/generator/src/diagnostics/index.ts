export type { ElarionDiagnostic } from "./elarion-diagnostic.js";
export {
  DIAGNOSTICS,
  formatMessage,
  type DiagnosticKind,
  type DiagnosticDefinition,
} from "./diagnostic-table.js";
export { formatDiagnostic, fileDiagnostic } from "./format-diagnostic.js";
