-- Staff changes, counted: every instance checks the counter now and then (and PostgreSQL
-- instances are told at once) and empties its page cache when it moved.
-- PostgreSQL twin of migrations/sqlite/0010.
CREATE TABLE site_changes (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    counter BIGINT NOT NULL
);
INSERT INTO site_changes (id, counter) VALUES (1, 0);
