-- PostgreSQL twin of migrations/sqlite/0015: public enterprise search through indexes instead
-- of a `LIKE '%…%'` scan of the registry. A pg_trgm GIN index answers `name ILIKE '%…%'` for
-- three or more characters (pg_trgm is created by 0003); a bytewise index answers the code
-- prefix as a range, whatever the database's collation.
CREATE INDEX enterprises_name_trgm ON enterprises USING gin (name gin_trgm_ops);
CREATE INDEX enterprises_uscc_bytes ON enterprises (uscc COLLATE "C");
