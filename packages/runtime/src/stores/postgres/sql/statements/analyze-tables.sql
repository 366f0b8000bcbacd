-- analyze-tables: gathers planner statistics on the queue tables (see statistics-missing).
--
-- Parameters: none.
--
-- Returns nothing.
ANALYZE :"schema".runs, :"schema".jobs;
