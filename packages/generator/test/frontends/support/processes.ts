import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { generatorPackageDir } from "./fixture-app.js";

export const elarionGenBin = path.join(generatorPackageDir, "bin/elarion-gen.js");
export const tspcBin = path.join(generatorPackageDir, "node_modules/ts-patch/bin/tspc.js");

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <script> ...args` to completion; kills it and rejects after `timeoutMs`. */
export function runNode(
  args: readonly string[],
  cwd: string,
  timeoutMs = 60_000,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `node ${args.join(" ")} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A long-running process (a watcher) whose output a test waits on. Every wait is bounded, and
 * `stop()` kills the process; call it in `afterEach` so no watcher outlives its test.
 */
export class WatchedProcess {
  private output = "";
  private readonly listeners = new Set<() => void>();
  private readonly child: ChildProcess;
  private exited = false;

  constructor(args: readonly string[], cwd: string) {
    this.child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const append = (chunk: Buffer): void => {
      this.output += chunk.toString();
      for (const listener of [...this.listeners]) listener();
    };
    this.child.stdout?.on("data", append);
    this.child.stderr?.on("data", append);
    this.child.on("exit", () => {
      this.exited = true;
      for (const listener of [...this.listeners]) listener();
    });
  }

  /** Everything the process printed so far. */
  get text(): string {
    return this.output;
  }

  /**
   * Resolves once `condition` holds, re-evaluating it whenever the process prints something;
   * rejects after `timeoutMs` or when the process exits first.
   */
  until(
    description: string,
    condition: (output: string) => boolean,
    timeoutMs = 45_000,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error === undefined) resolve();
        else reject(error);
      };
      const check = (): void => {
        if (condition(this.output)) finish();
        else if (this.exited)
          finish(new Error(`the process exited before: ${description}\noutput:\n${this.output}`));
      };
      const timer = setTimeout(
        () =>
          finish(
            new Error(
              `timed out after ${timeoutMs} ms waiting for: ${description}\noutput:\n${this.output}`,
            ),
          ),
        timeoutMs,
      );
      this.listeners.add(check);
      check();
    });
  }

  /** Kills the process and waits until it is gone. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGKILL");
    await gone;
  }
}

/** Counts occurrences of `needle` in `text`, for "one more line than before" waits. */
export function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
