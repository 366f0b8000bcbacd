import type { JobModel } from "../model/job-model.js";
import type { TypeReference } from "../model/type-reference.js";
import type { ImportTable } from "./import-table.js";

/**
 * Prints a {@link TypeReference} of `job` as type syntax, adding the imports it needs. `classAsValue`
 * says whether the job class is already a value import of this module (the registry module) or
 * must be imported as a type only (the descriptors module).
 */
export function printTypeReference(
  reference: TypeReference,
  job: JobModel,
  imports: ImportTable,
  classAsValue: boolean,
): string {
  switch (reference.kind) {
    case "import":
      return imports.use(reference.name, false);
    case "global":
      return reference.text;
    case "execute-payload":
      return `Parameters<${imports.use(job.jobClass, classAsValue)}["execute"]>[0]`;
    case "constructor-parameter":
      return `ConstructorParameters<typeof ${imports.use(job.jobClass, classAsValue)}>[${reference.index}]`;
  }
}
