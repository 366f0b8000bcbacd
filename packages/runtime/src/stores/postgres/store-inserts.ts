import { coded } from "../../core/runtime-errors.js";
import type { InsertOptions, KeyHolder, NewRuntimeJob } from "../job-store.js";
import { describeConnectionError, type ConnectionTarget } from "./connection-errors.js";
import type { DirectInserts } from "./direct-inserts.js";
import type { InsertBatcher } from "./insert-batcher.js";
import { isQueryable, type Queryable } from "./queryable.js";
import type { NewJobRow } from "./queue-rows.js";
import type { StoreContext } from "./store-context.js";

/** What inserts need of an open store; `null` while it is closed. */
interface OpenForInserts {
  readonly context: StoreContext;
  readonly inserts: InsertBatcher;
}

/**
 * The store's enqueue path: an unkeyed job outside a caller's transaction joins the group commit
 * ({@link InsertBatcher}); a keyed job, a bulk call or a job in the caller's transaction
 * (`options.client`) is inserted on its own ({@link DirectInserts}), answering per job whether a
 * pending job holds its key. Either way this process learns of the new due time at once.
 */
export class StoreInserts {
  constructor(
    private readonly direct: DirectInserts,
    private readonly target: ConnectionTarget,
    private readonly open: () => OpenForInserts | null,
  ) {}

  async insertJob(job: NewRuntimeJob, options?: InsertOptions): Promise<KeyHolder | undefined> {
    const row: NewJobRow = { ...job };
    const client = callerClient(options);
    if (client === null && (job.key === null || job.key === undefined)) {
      const open = this.open();
      if (open === null) throw notOpen();
      await open.inserts.insert(row);
      return undefined;
    }
    // A keyed job learns whether it was inserted; a caller's transaction is its own batch. The
    // NOTIFY commits with the caller's transaction; listeners (this one too) learn of the job then.
    const [holder] = await this.insertDirect([row], client);
    return holder ?? undefined;
  }

  /** All or nothing, one statement (sql/statements/insert-jobs.sql), keys honoured per job. */
  insertJobs(
    jobs: readonly NewRuntimeJob[],
    options?: InsertOptions,
  ): Promise<(KeyHolder | null)[]> {
    return this.insertDirect(jobs, callerClient(options));
  }

  private async insertDirect(
    rows: readonly NewJobRow[],
    client: Queryable | null,
  ): Promise<(KeyHolder | null)[]> {
    if (client === null && this.open() === null) throw notOpen();
    const holders = await this.direct.insert(rows, client).catch((error: unknown) => {
      throw describeConnectionError(error, this.target, "enqueue a job");
    });
    if (client === null && rows.length > 0)
      this.open()?.context.learnDue(Math.min(...rows.map((row) => row.dueTimeMs)));
    return holders;
  }
}

/** The caller's transaction client of `options`, validated, or `null`. */
function callerClient(options: InsertOptions | undefined): Queryable | null {
  const client = options?.client;
  if (client === undefined || client === null) return null;
  if (!isQueryable(client)) {
    throw coded(
      new TypeError(
        "postgresStore: options.client must be a pg client inside your transaction (const client = await pool.connect(); " +
          `await client.query("BEGIN")), got ${typeof client}.`,
      ),
      "ELR512",
    );
  }
  return client;
}

function notOpen(): Error {
  return coded(
    new Error("postgresStore: the store is not open; start the scheduler before scheduling jobs."),
    "ELR513",
  );
}
