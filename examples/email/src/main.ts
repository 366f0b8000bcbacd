import { RegistryNotGeneratedError } from "@elarion/runtime";

// The registry module throws at import when it is the un-generated stub. Importing the app
// dynamically lets that (and any other start-up failure) reach the user as one readable line.
try {
  const { runEmailDemo } = await import("./email-demo.js");
  await runEmailDemo();
} catch (error) {
  if (error instanceof RegistryNotGeneratedError) {
    console.error(error.message);
  } else {
    console.error("example-email failed:", error);
  }
  process.exitCode = 1;
}
