-- Events that repeat under one key within a window (a throttled sign-in tried again and again)
-- are one entry of the audit log and a count here: the first writes its `audit_log` row and a
-- row here, the later ones only add to `count`. The log stays append-only; only this count
-- changes.
-- PostgreSQL twin of migrations/sqlite/0013.
CREATE TABLE audit_repeats (
    audit_id     BIGINT PRIMARY KEY REFERENCES audit_log (id),
    key          TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    last_at      BIGINT NOT NULL
);
CREATE INDEX audit_repeats_key ON audit_repeats (key, window_start);
