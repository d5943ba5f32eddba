-- Questions kept for contests: practice mode never shows or checks them. A contest marked
-- `contest_only` draws only such questions, and shows their answers after it closes.
-- PostgreSQL twin of migrations/sqlite/0007.
ALTER TABLE questions ADD COLUMN contest_only BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contests ADD COLUMN contest_only BIGINT NOT NULL DEFAULT 0;
