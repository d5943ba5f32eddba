-- Random inspection draws (双随机、一公开): the check-item list, the two registries, draw tasks,
-- inspection results, and the hash-chained log of draw events. Dates are `YYYY-MM-DD`
-- (Beijing), times Unix seconds.

CREATE TABLE check_items (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    basis    TEXT NOT NULL,
    subject  TEXT NOT NULL,
    method   TEXT NOT NULL,
    position INTEGER NOT NULL
) STRICT;

CREATE TABLE enterprises (
    uscc                 TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    town                 TEXT NOT NULL,
    address              TEXT NOT NULL,
    industry             TEXT NOT NULL,
    risk                 TEXT NOT NULL CHECK (risk IN ('major', 'significant', 'general', 'low')),
    high_risk_industry   INTEGER NOT NULL,
    accident_prone       INTEGER NOT NULL,
    directly_supervised  INTEGER NOT NULL,
    -- Private: never in a public page, feed or export.
    legal_representative TEXT NOT NULL,
    phone                TEXT NOT NULL,
    updated_at           INTEGER NOT NULL
) STRICT;

CREATE INDEX enterprises_name ON enterprises (name);

CREATE TABLE inspectors (
    certificate        TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    unit               TEXT NOT NULL,
    field              TEXT NOT NULL,
    town               TEXT NOT NULL,
    active             INTEGER NOT NULL,
    -- Codes of enterprises with a declared conflict of interest, separated by ';'.
    declared_conflicts TEXT NOT NULL,
    updated_at         INTEGER NOT NULL
) STRICT;

CREATE TABLE draws (
    id                INTEGER PRIMARY KEY,
    title             TEXT NOT NULL,
    check_items       TEXT NOT NULL,  -- JSON array of codes
    rules             TEXT NOT NULL,  -- JSON domain::inspection::draw::Rules
    sources           TEXT NOT NULL,  -- JSON array of PublicSource (values empty until drawn)
    status            TEXT NOT NULL CHECK (status IN ('announced', 'drawn', 'revealed')),
    snapshot          TEXT NOT NULL,  -- JSON Snapshot, frozen at announcement; public at reveal
    snapshot_digest   TEXT NOT NULL,
    assignments       TEXT,           -- JSON array of Assignment; public at reveal
    result_digest     TEXT,
    commitment_digest TEXT,
    announced_at      INTEGER NOT NULL,
    drawn_at          INTEGER,
    revealed_at       INTEGER,
    results_published_at INTEGER,
    created_by        INTEGER NOT NULL REFERENCES staff_users (id)
) STRICT;

CREATE TABLE inspection_results (
    draw_id           INTEGER NOT NULL REFERENCES draws (id),
    uscc              TEXT NOT NULL,
    inspected_on      TEXT NOT NULL,
    -- The day the result was produced: the 20-working-day publication deadline counts from it.
    produced_on       TEXT NOT NULL,
    check_items       TEXT NOT NULL,  -- JSON array of codes
    category          TEXT NOT NULL,
    hazards_found     INTEGER NOT NULL CHECK (hazards_found >= 0),
    hazards_rectified INTEGER NOT NULL CHECK (hazards_rectified >= 0 AND hazards_rectified <= hazards_found),
    follow_up         TEXT NOT NULL,
    recorded_by       INTEGER NOT NULL REFERENCES staff_users (id),
    recorded_at       INTEGER NOT NULL,
    PRIMARY KEY (draw_id, uscc)
) STRICT;

CREATE INDEX inspection_results_uscc ON inspection_results (uscc, inspected_on DESC);

-- Every draw event, chained by hash (domain::inspection::chain). Append-only.
CREATE TABLE draw_log (
    seq       INTEGER PRIMARY KEY,
    draw_id   INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    at        INTEGER NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;

CREATE TRIGGER draw_log_no_update BEFORE UPDATE ON draw_log
BEGIN
    SELECT RAISE(ABORT, 'the draw log is append-only');
END;

CREATE TRIGGER draw_log_no_delete BEFORE DELETE ON draw_log
BEGIN
    SELECT RAISE(ABORT, 'the draw log is append-only');
END;

-- Each registry import from the staff area, kept with its report (every bad row, by line), so
-- the officer can read it after the redirect and an auditor later.
CREATE TABLE registry_imports (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('enterprises', 'inspectors')),
    file_name TEXT NOT NULL,
    at        INTEGER NOT NULL,
    staff_id  INTEGER NOT NULL REFERENCES staff_users (id),
    inserted  INTEGER NOT NULL,
    updated   INTEGER NOT NULL,
    errors    TEXT NOT NULL  -- JSON array of messages; empty when the file was imported
) STRICT;
