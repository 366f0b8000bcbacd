/** The `typescript` module's type: analyzers work on an injected instance, never on a global one. */
export type TypeScriptModule = typeof import("typescript");
