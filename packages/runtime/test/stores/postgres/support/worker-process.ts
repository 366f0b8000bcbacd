import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const WORKER_SCRIPT = fileURLToPath(new URL("../workers/worker.mjs", import.meta.url));
const BUILT_RUNTIME = fileURLToPath(
  new URL("../../../../dist/stores/postgres/index.js", import.meta.url),
);

export interface WorkerConfig {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly name: string;
  readonly concurrency?: number;
  readonly leaseMs?: number;
  readonly heartbeatMs?: number;
  readonly pollIntervalMs?: number;
  readonly recurring?: boolean;
  /** Adds `recurring.slow`: every second, each run 1.5 s long, reporting `window` messages. */
  readonly slowRecurring?: boolean;
  /** `slow.block` ignores `holdMs` and runs until aborted (a worker about to be killed). */
  readonly holdSlowJobs?: boolean;
  /** `application_name` of the worker's connections (lets a test terminate exactly them). */
  readonly applicationName?: string;
  /**
   * How the worker gives postgresStore its connections: `"pool"` (default: a pg.Pool with its own
   * 'error' listener), `"bare-pool"` (a pg.Pool with no listener, as in the README) or
   * `"connection-string"` (the store's own pool).
   */
  readonly poolMode?: "pool" | "bare-pool" | "connection-string";
  /** Run with the OpenTelemetry SDK and report every finished span (`type: "span"`). */
  readonly telemetry?: boolean;
}

/** A finished span of a worker, as plain data. */
export interface ReportedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly attributes: Record<string, unknown>;
}

/** What a worker reports (see workers/worker.mjs). */
export interface WorkerMessage {
  readonly worker: string;
  readonly type:
    | "ready"
    | "ran"
    | "started"
    | "aborted"
    | "timed"
    | "tick"
    | "span"
    | "slot"
    | "scheduled"
    | "window";
  readonly workerId?: string;
  readonly jobId?: string;
  readonly runId?: string;
  readonly attempt?: number;
  readonly reason?: string;
  readonly dueMs?: number;
  readonly startedMs?: number;
  /** `window`: when the body ended. */
  readonly endedMs?: number;
  readonly span?: ReportedSpan;
  /** `slot`: the occurrence's payload. */
  readonly payload?: unknown;
  /** `scheduled`: the job id of each call of the burst, and how many were deduplicated. */
  readonly jobIds?: readonly string[];
  readonly deduplicated?: number;
}

/** A worker in a child process, with every message it sent and latches on them. */
export class WorkerProcess {
  readonly messages: WorkerMessage[] = [];
  /** Checks of pending `until` calls, each registered once and removed when settled. */
  readonly #listeners = new Set<() => void>();
  #exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.on("message", (message) => {
      this.messages.push(message as WorkerMessage);
      for (const check of [...this.#listeners]) check();
    });
    this.#exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  /** Forks a worker and waits until its scheduler has started. */
  static async start(config: WorkerConfig): Promise<WorkerProcess> {
    if (!existsSync(BUILT_RUNTIME)) {
      throw new Error(
        `The multi-process tests run workers on the built runtime, and ${BUILT_RUNTIME} is missing; run \`npx pnpm@10.34.9 build\` first.`,
      );
    }
    const child = fork(WORKER_SCRIPT, [], {
      env: { ...process.env, ELARION_WORKER: JSON.stringify(config) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const worker = new WorkerProcess(config.name, child);
    await worker.waitFor((m) => m.type === "ready", "the worker to start", 20_000);
    return worker;
  }

  get workerId(): string {
    return this.messages.find((m) => m.type === "ready")!.workerId!;
  }

  of(type: WorkerMessage["type"]): WorkerMessage[] {
    return this.messages.filter((m) => m.type === type);
  }

  /** Resolves with the first message matching `predicate` (already received or to come). */
  waitFor(
    predicate: (message: WorkerMessage) => boolean,
    what: string,
    timeoutMs = 15_000,
  ): Promise<WorkerMessage> {
    return this.until(() => this.messages.find(predicate), what, timeoutMs);
  }

  /** Resolves once `probe` returns a value, re-checked at each message of this worker. */
  until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
    return WorkerProcess.until([this], probe, what, timeoutMs);
  }

  /** Resolves once `probe` returns a value, re-checked at each message of any of `workers`. */
  static until<T>(
    workers: readonly WorkerProcess[],
    probe: () => T | undefined | false,
    what: string,
    timeoutMs = 15_000,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        for (const worker of workers) worker.#listeners.delete(check);
      };
      const check = (): void => {
        const value = probe();
        if (value === undefined || value === false) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `workers ${workers.map((w) => w.name).join(", ")}: timed out after ${timeoutMs} ms waiting for ${what}`,
          ),
        );
      }, timeoutMs);
      for (const worker of workers) worker.#listeners.add(check);
      check();
    });
  }

  /** Sends the worker a command (see workers/worker.mjs). */
  send(command: { readonly type: string; readonly [field: string]: unknown }): void {
    this.child.send(command);
  }

  /** Whether the process has exited (or was killed). */
  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGKILL: no shutdown, no lease release, nothing. */
  async kill9(): Promise<void> {
    this.child.kill("SIGKILL");
    await this.#exited;
  }

  /** Graceful stop (scheduler.stop()), then waits for the process to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send({ type: "stop" });
    const timeout = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.#exited;
    clearTimeout(timeout);
  }
}
