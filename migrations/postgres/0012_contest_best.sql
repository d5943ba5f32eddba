-- Each participant's best submitted attempt per contest, kept by a trigger as attempts are
-- scored: the leaderboard, the town table and the participant count read this (one row per
-- person) instead of ranking every attempt on each request. An attempt flagged as too fast
-- ranks below any that is not; between two of the same kind, the higher score, then the
-- shorter time, then the earlier submission is the best.
-- PostgreSQL twin of migrations/sqlite/0012.
CREATE TABLE contest_best (
    contest_id   BIGINT NOT NULL REFERENCES contests (id),
    participant  TEXT NOT NULL,
    nickname     TEXT NOT NULL,
    town         TEXT NOT NULL,
    score        BIGINT NOT NULL,
    elapsed_secs BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    flagged_fast BIGINT NOT NULL,
    PRIMARY KEY (contest_id, participant)
);

CREATE INDEX contest_best_board
    ON contest_best (contest_id, flagged_fast, score DESC, elapsed_secs, submitted_at);
CREATE INDEX contest_best_towns ON contest_best (contest_id, town, score);

CREATE FUNCTION attempts_keep_best() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO contest_best (contest_id, participant, nickname, town, score, elapsed_secs,
                              submitted_at, flagged_fast)
    VALUES (NEW.contest_id, NEW.participant, NEW.nickname, NEW.town, NEW.score,
            NEW.elapsed_secs, NEW.submitted_at, NEW.flagged_fast)
    ON CONFLICT (contest_id, participant) DO UPDATE SET
        nickname = excluded.nickname, town = excluded.town, score = excluded.score,
        elapsed_secs = excluded.elapsed_secs, submitted_at = excluded.submitted_at,
        flagged_fast = excluded.flagged_fast
    WHERE excluded.flagged_fast < contest_best.flagged_fast
       OR (excluded.flagged_fast = contest_best.flagged_fast
           AND (excluded.score > contest_best.score
                OR (excluded.score = contest_best.score
                    AND excluded.elapsed_secs < contest_best.elapsed_secs)));
    RETURN NULL;
END;
$$;

CREATE TRIGGER attempts_keep_best AFTER UPDATE OF submitted_at ON attempts
FOR EACH ROW WHEN (OLD.submitted_at IS NULL AND NEW.submitted_at IS NOT NULL)
EXECUTE FUNCTION attempts_keep_best();

-- The attempts scored before this table existed.
INSERT INTO contest_best (contest_id, participant, nickname, town, score, elapsed_secs,
                          submitted_at, flagged_fast)
SELECT contest_id, participant, nickname, town, score, elapsed_secs, submitted_at, flagged_fast
FROM (
    SELECT contest_id, participant, nickname, town, score, elapsed_secs, submitted_at,
           flagged_fast,
           ROW_NUMBER() OVER (PARTITION BY contest_id, participant
                              ORDER BY flagged_fast, score DESC, elapsed_secs, submitted_at) AS n
    FROM attempts WHERE submitted_at IS NOT NULL
) AS ranked
WHERE n = 1;
