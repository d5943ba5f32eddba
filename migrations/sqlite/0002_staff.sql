-- Staff accounts, their roles, their server-side sessions, failed sign-ins (for throttling),
-- and the append-only audit log of staff actions. Times are Unix seconds (UTC).

CREATE TABLE staff_users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL,
    last_login_at INTEGER
) STRICT;

CREATE TABLE staff_roles (
    user_id INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('editor', 'reviewer', 'inspector_admin', 'contest_admin', 'admin')),
    PRIMARY KEY (user_id, role)
) STRICT;

-- The cookie holds a random token; only its SHA-256 is stored, so a copy of the database
-- does not let anyone sign in.
CREATE TABLE staff_sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    client_ip    TEXT NOT NULL
) STRICT;
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

-- One row per failed sign-in, under two keys: the account name tried and the client address.
CREATE TABLE login_failures (
    key       TEXT NOT NULL,
    failed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key ON login_failures (key, failed_at);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   INTEGER,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    client_ip  TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
