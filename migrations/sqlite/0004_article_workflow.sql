-- The editorial workflow (采、编、审、发): who wrote and reviewed an article, the reviewer's
-- comment when it is sent back, and every saved version.

ALTER TABLE articles ADD COLUMN review_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN created_by INTEGER REFERENCES staff_users (id);
ALTER TABLE articles ADD COLUMN reviewed_by INTEGER REFERENCES staff_users (id);

CREATE TABLE article_versions (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    category    TEXT NOT NULL,
    tags        TEXT NOT NULL,
    summary     TEXT NOT NULL,
    body_md     TEXT NOT NULL,
    saved_by    TEXT NOT NULL,
    saved_at    INTEGER NOT NULL,
    -- What made this version: 'save', 'autosave', 'restore', 'import'.
    reason      TEXT NOT NULL
) STRICT;
CREATE INDEX article_versions_article ON article_versions (article_id, id DESC);
