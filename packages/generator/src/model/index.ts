export type { ModuleReference, ImportedName, TypeReference } from "./type-reference.js";
export type {
  PayloadShape,
  PropertyShape,
  TupleElementShape,
  NamedValidator,
} from "./payload-shape.js";
export type { JobModel, DependencyModel, PayloadModel } from "./job-model.js";
export type { RegistryModel } from "./registry-model.js";
