import { RegistryNotGeneratedError } from "@elarion/runtime";

// The registry module throws at import when it is the un-generated stub. Importing the app
// dynamically lets that (and any other start-up failure) reach the user as one readable line.
try {
  const { runEmailDemo } = await import("./email-demo.js");
  await runEmailDemo();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(
    error instanceof RegistryNotGeneratedError ? message : `example-email failed: ${message}`,
  );
  process.exitCode = 1;
}
