import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
const VERSION = "15";

/**
 * A PostgreSQL cluster of its own for tests that restart or stop the server: created with
 * `pg_createcluster` on a free port (trust authentication, a database `test`), driven with
 * `pg_ctlcluster --skip-systemctl-redirect`, dropped by {@link ScratchCluster.drop}. The shared
 * server on 5432 is never touched. Needs the Debian postgresql-common tools and root (CI has both).
 */
export class ScratchCluster {
  private constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  /** `postgres://postgres@127.0.0.1:PORT/test` */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/test`;
  }

  /** Creates and starts a cluster named `elarion_<tag>_<pid>`; drops it again if starting fails. */
  static async create(tag: string): Promise<ScratchCluster> {
    await dropAbandoned(tag);
    const cluster = new ScratchCluster(`elarion_${tag}_${process.pid}`, await freePort());
    await run("pg_createcluster", [
      VERSION,
      cluster.name,
      "-p",
      String(cluster.port),
      "--start-conf",
      "manual",
      // Small and quick: a test cluster holds a few thousand rows, and no OS crash is simulated.
      "-o",
      "shared_buffers=16MB",
      "-o",
      "fsync=off",
      "--",
      "--auth=trust",
    ]);
    try {
      await cluster.start();
      const admin = new pg.Client({
        connectionString: `postgres://postgres@127.0.0.1:${cluster.port}/postgres`,
      });
      await admin.connect();
      try {
        await admin.query("CREATE DATABASE test");
      } finally {
        await admin.end();
      }
    } catch (error) {
      await cluster.drop();
      throw error;
    }
    return cluster;
  }

  start(): Promise<void> {
    return this.#ctl("start");
  }

  /** `pg_ctlcluster ... restart -m fast`: sessions are terminated (57P01), the server comes back. */
  restartFast(): Promise<void> {
    return this.#ctl("restart", "-m", "fast");
  }

  /** `pg_ctlcluster ... stop -m immediate`: the server dies without a checkpoint, as in a crash. */
  stopImmediate(): Promise<void> {
    return this.#ctl("stop", "-m", "immediate");
  }

  /** Stops (immediately) and removes the cluster and its data; safe to call twice. */
  async drop(): Promise<void> {
    await run("pg_dropcluster", [VERSION, this.name, "--stop"]).catch(() => undefined);
  }

  /** Whether `pg_lsclusters` still lists this cluster. */
  async listed(): Promise<boolean> {
    const { stdout } = await run("pg_lsclusters", ["--no-header"]);
    return stdout.split("\n").some((line) => line.split(/\s+/)[1] === this.name);
  }

  async #ctl(action: string, ...options: string[]): Promise<void> {
    await run("pg_ctlcluster", [
      "--skip-systemctl-redirect",
      VERSION,
      this.name,
      action,
      ...options,
    ]);
  }
}

/** Drops clusters `elarion_<tag>_<pid>` left behind by a test process that no longer exists (killed mid-run). */
async function dropAbandoned(tag: string): Promise<void> {
  const { stdout } = await run("pg_lsclusters", ["--no-header"]);
  const pattern = new RegExp(`^elarion_${tag}_(\\d+)$`);
  for (const line of stdout.split("\n")) {
    const name = line.split(/\s+/)[1] ?? "";
    const pid = Number(pattern.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !processExists(pid))
      await run("pg_dropcluster", [VERSION, name, "--stop"]).catch(() => undefined);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A TCP port nobody listens on right now (the OS picks it), never 5432. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() =>
          resolve(typeof address === "object" && address !== null ? address.port : 0),
        );
      });
    });
    if (port !== 0 && port !== 5432) return port;
  }
}
