import type pg from "pg";
import type { SchemaName } from "../../../../src/stores/postgres/schema-name.js";

/**
 * The schema migrations exactly as the store applied them before they moved to numbered .sql
 * files (packages/runtime/src/stores/postgres/migrations.ts at commit 55d4d49): TypeScript
 * template strings. Frozen here so a test can build a database the way older releases did and
 * check that today's migrations continue it, and build the same schema from scratch.
 */
interface LegacyMigration {
  readonly version: number;
  readonly description: string;
  readonly sql: (schema: string) => string;
}

/** Terminal run statuses. A job has no status column: its status is derived from its current run. */
const TERMINAL = `'succeeded', 'failed', 'cancelled', 'skipped'`;

const LEGACY_MIGRATIONS: readonly LegacyMigration[] = [
  {
    version: 1,
    description: "runtime jobs, their runs, recurring-occurrence claims",
    sql: (s) => `
      CREATE TABLE ${s}.jobs (
        job_id uuid PRIMARY KEY,
        job_name text NOT NULL,
        payload jsonb,
        current_run_id uuid NOT NULL,
        attempt integer NOT NULL,
        max_attempts integer NOT NULL,
        next_attempt_due_time timestamptz,
        correlation_id text,
        resilience jsonb,
        resilience_mode text NOT NULL DEFAULT 'inline',
        last_error text,
        created_at timestamptz NOT NULL,
        completed_at timestamptz
      );
      CREATE INDEX jobs_completed_at ON ${s}.jobs (completed_at) WHERE completed_at IS NOT NULL;

      CREATE TABLE ${s}.runs (
        run_id uuid PRIMARY KEY,
        job_id uuid NOT NULL REFERENCES ${s}.jobs (job_id) ON DELETE CASCADE,
        job_name text NOT NULL,
        attempt integer NOT NULL,
        due_time timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', ${TERMINAL})),
        owner text,
        lease_expires_at timestamptz,
        cancel_requested boolean NOT NULL DEFAULT false,
        claims integer NOT NULL DEFAULT 0,
        started_at timestamptz,
        completed_at timestamptz,
        message text
      );
      CREATE INDEX runs_queued_due ON ${s}.runs (due_time) WHERE status = 'queued';
      CREATE INDEX runs_running_lease ON ${s}.runs (lease_expires_at) WHERE status = 'running';
      CREATE INDEX runs_job ON ${s}.runs (job_id);
      CREATE INDEX runs_outcomes ON ${s}.runs (job_name, completed_at DESC) WHERE completed_at IS NOT NULL;

      CREATE TABLE ${s}.occurrences (
        job_name text NOT NULL,
        due_time timestamptz NOT NULL,
        claimed_by text NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_name, due_time)
      );
    `,
  },
  {
    version: 2,
    description: "leases indexed by lease_expires_at IS NOT NULL instead of status = 'running'",
    // A lease is set exactly while a run is `running`. Keyed on the status, the index was the
    // planner's pick for every fenced `status = 'running'` update (completions, start marks), a
    // scan of all running runs filtered against the batch; keyed on the lease, only the
    // reclaim of expired leases (and the running-runs snapshot) can use it, and completions
    // probe the primary key.
    sql: (s) => `
      DROP INDEX ${s}.runs_running_lease;
      CREATE INDEX runs_lease_expiry ON ${s}.runs (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
    `,
  },
  {
    version: 3,
    description:
      "runs count their lease expiries, so a run that keeps losing its worker ends failed",
    // `claims` cannot serve: it also counts claims that ended well (released at shutdown) and is
    // the fencing token. A constant default adds the column without rewriting the table.
    sql: (s) => `
      ALTER TABLE ${s}.runs ADD COLUMN lease_expiries integer NOT NULL DEFAULT 0;
    `,
  },
];

/** Migrates `schema` to `upTo` (1..3) the way commit 55d4d49 did, minus the advisory lock. */
export async function legacyMigrate(
  pool: pg.Pool,
  schema: SchemaName,
  upTo: number,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema.quoted}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema.quoted}.schema_version (
         version integer PRIMARY KEY,
         description text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    for (const migration of LEGACY_MIGRATIONS) {
      if (migration.version > upTo) break;
      await client.query(migration.sql(schema.quoted));
      await client.query(
        `INSERT INTO ${schema.quoted}.schema_version (version, description) VALUES ($1, $2)`,
        [migration.version, migration.description],
      );
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

/** The newest version of the frozen migrations. */
export const LEGACY_LATEST_VERSION = LEGACY_MIGRATIONS.length;
