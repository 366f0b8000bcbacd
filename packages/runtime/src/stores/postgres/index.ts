export { postgresStore, type PostgresJobStore } from "./postgres-store.js";
export type { PostgresStoreOptions } from "./postgres-store-options.js";
export { LATEST_SCHEMA_VERSION } from "./migrations.js";
