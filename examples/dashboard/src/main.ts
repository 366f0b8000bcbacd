import { RegistryNotGeneratedError } from "@elarion/runtime";

// Importing the app dynamically lets a start-up failure (an un-generated registry, a port in use)
// reach the user as one readable line.
try {
  const { startDemo } = await import("./demo-app.js");
  const port = process.env["PORT"] === undefined ? 3000 : Number(process.env["PORT"]);
  const demo = await startDemo({ port });
  console.log(`Elarion dashboard: ${demo.url}  (jobs in every state, in memory; Ctrl+C stops it)`);
  const stop = (): void => {
    void demo.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(
    error instanceof RegistryNotGeneratedError ? message : `example-dashboard failed: ${message}`,
  );
  process.exitCode = 1;
}
