-- Twin of sqlite/0014_leaderboard_integrity.sql (read it for why).
ALTER TABLE attempts ADD COLUMN ranked BIGINT NOT NULL DEFAULT 1;
ALTER TABLE contest_best ADD COLUMN ranked BIGINT NOT NULL DEFAULT 1;
ALTER TABLE contest_best ADD COLUMN hidden BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contest_best ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';

CREATE OR REPLACE FUNCTION attempts_keep_best() RETURNS trigger LANGUAGE plpgsql AS $$
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
    RETURN NULL;
END;
$$;
