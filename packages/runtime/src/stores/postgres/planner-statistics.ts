import type { StoreContext } from "./store-context.js";

/**
 * Planner statistics for a backlog on fresh tables (sql/statements/statistics-missing.sql): until
 * autovacuum first analyses `runs`, the planner sorts the whole backlog on every claim. Best
 * effort: a failure is logged at debug level and autovacuum does it later.
 */
export async function gatherPlannerStatistics(context: StoreContext): Promise<void> {
  try {
    await context.queue.analyzeIfNeverAnalysed(context.pool);
  } catch (error) {
    context.host.logger.debug(
      "postgresStore: could not analyse the queue tables; autovacuum will",
      {
        error: context.describe(error, "analyse the queue tables"),
      },
    );
  }
}
