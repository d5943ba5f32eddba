-- Leaderboard integrity (the leaderboard was a billboard a script could write on):
-- - `attempts.ranked`: 0 for an attempt started after its address group had already started
--   many that day (`contest::engine::RANKED_PER_ADDRESS_PER_DAY`): it is scored and kept,
--   but not placed on the board by person;
-- - `contest_best.hidden`: a row staff took off the board, with the reason given (the act
--   itself is in the audit log); the public page says how many are hidden.
-- The best attempt now prefers, in order: not flagged as too fast, ranked, the higher score,
-- the shorter time.
ALTER TABLE attempts ADD COLUMN ranked INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contest_best ADD COLUMN ranked INTEGER NOT NULL DEFAULT 1;
ALTER TABLE contest_best ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contest_best ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';

DROP TRIGGER attempts_keep_best;
CREATE TRIGGER attempts_keep_best AFTER UPDATE OF submitted_at ON attempts
WHEN OLD.submitted_at IS NULL AND NEW.submitted_at IS NOT NULL
BEGIN
    INSERT INTO contest_best (contest_id, participant, nickname, town, score, elapsed_secs,
                              submitted_at, flagged_fast, ranked)
    VALUES (NEW.contest_id, NEW.participant, NEW.nickname, NEW.town, NEW.score,
            NEW.elapsed_secs, NEW.submitted_at, NEW.flagged_fast, NEW.ranked)
    ON CONFLICT (contest_id, participant) DO UPDATE SET
        nickname = excluded.nickname, town = excluded.town, score = excluded.score,
        elapsed_secs = excluded.elapsed_secs, submitted_at = excluded.submitted_at,
        flagged_fast = excluded.flagged_fast, ranked = excluded.ranked
    WHERE excluded.flagged_fast - excluded.ranked < contest_best.flagged_fast - contest_best.ranked
       OR (excluded.flagged_fast - excluded.ranked = contest_best.flagged_fast - contest_best.ranked
           AND (excluded.score > contest_best.score
                OR (excluded.score = contest_best.score
                    AND excluded.elapsed_secs < contest_best.elapsed_secs)));
END;
