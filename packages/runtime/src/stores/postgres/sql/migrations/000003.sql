--! description: runs count their lease expiries, so a run that keeps losing its worker ends failed
--
-- `claims` cannot serve: it also counts claims that ended well (released at shutdown) and is the
-- fencing token. A constant default adds the column without rewriting the table.

ALTER TABLE :"schema".runs ADD COLUMN lease_expiries integer NOT NULL DEFAULT 0;
