#!/usr/bin/env node
import { runCli } from "../dist/cli.js";

// In --watch mode the TypeScript watcher keeps the process alive; otherwise it ends on its own.
process.exitCode = runCli(process.argv.slice(2)).exitCode;
