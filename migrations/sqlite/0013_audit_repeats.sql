-- Events that repeat under one key within a window (a throttled sign-in tried again and again)
-- are one entry of the audit log and a count here: the first writes its `audit_log` row and a
-- row here, the later ones only add to `count`. The log stays append-only; only this count
-- changes.
CREATE TABLE audit_repeats (
    audit_id     INTEGER PRIMARY KEY REFERENCES audit_log (id),
    key          TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    last_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_repeats_key ON audit_repeats (key, window_start);
