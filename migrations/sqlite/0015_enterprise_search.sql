-- Public enterprise search through an index instead of a `LIKE '%…%'` scan of the registry:
-- an FTS5 trigram table over the names (three or more characters; shorter queries scan the
-- name index, as article search does). It keeps its own copy of each code, not the registry's
-- rowid, which `VACUUM` may renumber for a table keyed by text; its triggers find a row by
-- the code, through the same index.
CREATE VIRTUAL TABLE enterprises_fts USING fts5 (uscc, name, tokenize = 'trigram');

INSERT INTO enterprises_fts (uscc, name) SELECT uscc, name FROM enterprises;

CREATE TRIGGER enterprises_fts_insert AFTER INSERT ON enterprises BEGIN
    INSERT INTO enterprises_fts (uscc, name) VALUES (new.uscc, new.name);
END;

CREATE TRIGGER enterprises_fts_delete AFTER DELETE ON enterprises BEGIN
    DELETE FROM enterprises_fts
    WHERE enterprises_fts MATCH 'uscc : "' || replace(old.uscc, '"', '""') || '"'
      AND uscc = old.uscc;
END;

-- A registry import rewrites every row; only a changed name or code touches the index.
CREATE TRIGGER enterprises_fts_update AFTER UPDATE OF uscc, name ON enterprises
WHEN old.uscc IS NOT new.uscc OR old.name IS NOT new.name BEGIN
    DELETE FROM enterprises_fts
    WHERE enterprises_fts MATCH 'uscc : "' || replace(old.uscc, '"', '""') || '"'
      AND uscc = old.uscc;
    INSERT INTO enterprises_fts (uscc, name) VALUES (new.uscc, new.name);
END;
