-- statistics-missing: whether runs holds a backlog (1,000 rows or more) that PostgreSQL has never
-- gathered statistics on. Until autovacuum first analyses it (a minute or more), the planner
-- guesses a handful of queued runs and sorts the whole backlog on every claim instead of walking
-- runs_queued_due in order; the store then runs analyze-tables once.
--
-- Parameters: none.
--
-- Returns one row: missing boolean.
SELECT coalesce(st.last_analyze, st.last_autoanalyze) IS NULL
       AND EXISTS (SELECT FROM :"schema".runs OFFSET 999) AS missing
FROM pg_stat_user_tables st
WHERE st.schemaname = :'schema' AND st.relname = 'runs';
