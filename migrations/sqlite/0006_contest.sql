-- The safety knowledge contest: the question bank, contests, and attempts. Times are Unix
-- seconds; `day` is the Beijing date an attempt started on (for the daily limits).

CREATE TABLE questions (
    id          TEXT PRIMARY KEY,
    topic       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'judge')),
    difficulty  INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 3),
    stem        TEXT NOT NULL,
    options     TEXT NOT NULL,  -- JSON array
    answer      TEXT NOT NULL,  -- JSON array of option indices
    explanation TEXT NOT NULL,
    source      TEXT NOT NULL,
    source_file TEXT NOT NULL,     -- the bank file, or '' for a question added by staff
    active      INTEGER NOT NULL DEFAULT 1,
    -- Changed in the staff area: the files no longer overwrite or retire it.
    edited      INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE contests (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    opens_at         INTEGER NOT NULL,
    closes_at        INTEGER NOT NULL CHECK (closes_at > opens_at),
    question_count   INTEGER NOT NULL CHECK (question_count BETWEEN 1 AND 100),
    quotas           TEXT NOT NULL,  -- JSON array of domain::quiz::paper::Quota
    time_limit_secs  INTEGER NOT NULL CHECK (time_limit_secs BETWEEN 60 AND 7200),
    pass_percent     INTEGER NOT NULL CHECK (pass_percent BETWEEN 0 AND 100),
    attempts_per_day INTEGER NOT NULL CHECK (attempts_per_day BETWEEN 1 AND 20),
    ask_town         INTEGER NOT NULL,
    ask_employer     INTEGER NOT NULL,
    created_by       INTEGER NOT NULL REFERENCES staff_users (id),
    created_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE attempts (
    id           TEXT PRIMARY KEY,   -- random, unguessable
    contest_id   INTEGER NOT NULL REFERENCES contests (id),
    participant  TEXT NOT NULL,      -- SHA-256 of the participant cookie
    client_ip    TEXT NOT NULL,
    day          TEXT NOT NULL,
    nickname     TEXT NOT NULL,
    town         TEXT NOT NULL,
    employer     TEXT NOT NULL,
    paper        TEXT NOT NULL,      -- JSON array of PaperQuestion (ids and option orders)
    started_at   INTEGER NOT NULL,
    deadline_at  INTEGER NOT NULL,
    progress     TEXT NOT NULL DEFAULT '[]',  -- answers saved while answering
    progress_at  INTEGER,
    submitted_at INTEGER,
    answers      TEXT,               -- as scored
    review       TEXT,               -- JSON: per question id, the credit
    score        INTEGER,
    elapsed_secs INTEGER,
    passed       INTEGER,
    late         INTEGER NOT NULL DEFAULT 0,
    flagged_fast INTEGER NOT NULL DEFAULT 0,
    certificate  TEXT UNIQUE
) STRICT;

CREATE INDEX attempts_participant ON attempts (contest_id, participant, day);
CREATE INDEX attempts_address ON attempts (contest_id, client_ip, day);
CREATE INDEX attempts_board ON attempts (contest_id, score DESC, elapsed_secs);
