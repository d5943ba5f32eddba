-- Facts about this installation, kept as key/value pairs (e.g. when it was first started).
-- PostgreSQL twin of migrations/sqlite/0001: same tables, same version number.
CREATE TABLE app_meta (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
);
