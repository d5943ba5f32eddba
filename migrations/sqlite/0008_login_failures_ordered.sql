-- Sign-in attempts are recorded before their password is checked, and each one is judged by the
-- attempts recorded before it: the id orders them, so a burst cannot slip past the throttle.
-- The rows are short-lived (15 minutes), so the table is simply made again.
DROP TABLE login_failures;
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL,
    failed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key ON login_failures (key, failed_at);
