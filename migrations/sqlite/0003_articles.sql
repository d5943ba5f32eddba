-- Articles (安全宣传): markdown as written, HTML as rendered and sanitized, and what the list,
-- search and feeds need. Times are Unix seconds (UTC).

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    category        TEXT NOT NULL CHECK (category IN ('通知公告', '工作动态', '法律法规', '安全常识', '应急科普')),
    summary         TEXT NOT NULL,
    author          TEXT NOT NULL,
    cover           TEXT,
    body_md         TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    toc_json        TEXT NOT NULL,
    plain_text      TEXT NOT NULL,
    reading_minutes INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'scheduled', 'published', 'withdrawn')),
    published_at    INTEGER,
    -- For articles imported from content/articles: the file and the hash of its text, so that
    -- importing the same file again changes nothing.
    source_path     TEXT,
    source_hash     TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX articles_public ON articles (status, published_at DESC);
CREATE INDEX articles_category ON articles (category, status, published_at DESC);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
) STRICT;
CREATE INDEX article_tags_tag ON article_tags (tag);

-- Full-text search over Chinese text: the trigram tokenizer matches any run of three or more
-- characters inside a sentence, with no word segmentation needed.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, plain_text,
    content = 'articles', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, summary, plain_text)
    VALUES (new.id, new.title, new.summary, new.plain_text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, plain_text)
    VALUES ('delete', old.id, old.title, old.summary, old.plain_text);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, plain_text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, plain_text)
    VALUES ('delete', old.id, old.title, old.summary, old.plain_text);
    INSERT INTO articles_fts (rowid, title, summary, plain_text)
    VALUES (new.id, new.title, new.summary, new.plain_text);
END;
