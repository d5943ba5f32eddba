-- Staff changes, counted: every instance checks the counter now and then (and PostgreSQL
-- instances are told at once) and empties its page cache when it moved.
CREATE TABLE site_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    counter INTEGER NOT NULL
) STRICT;
INSERT INTO site_changes (id, counter) VALUES (1, 0);
