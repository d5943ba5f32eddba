-- Corrections of published inspection results: once a draw's results are public, recording a
-- result again keeps the one it replaces here, with the reason and who corrected it, and chains
-- a `result_corrected` entry in the draw log. The public draw page shows each correction.
-- Append-only, as the draw log is.
CREATE TABLE inspection_result_corrections (
    id           INTEGER PRIMARY KEY,
    draw_id      INTEGER NOT NULL REFERENCES draws (id),
    uscc         TEXT NOT NULL,
    corrected_at INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    corrected_by INTEGER NOT NULL REFERENCES staff_users (id),
    -- JSON of the result as published before (null: none had been recorded).
    previous     TEXT
) STRICT;

CREATE INDEX inspection_result_corrections_draw ON inspection_result_corrections (draw_id, uscc, id);

CREATE TRIGGER inspection_result_corrections_no_update BEFORE UPDATE ON inspection_result_corrections
BEGIN
    SELECT RAISE(ABORT, 'result corrections are append-only');
END;

CREATE TRIGGER inspection_result_corrections_no_delete BEFORE DELETE ON inspection_result_corrections
BEGIN
    SELECT RAISE(ABORT, 'result corrections are append-only');
END;
