-- The hashed files of every build that served recently (`/pkg/aqxc.<hash>.wasm`…), published
-- by each instance at start: while a deployment rolls, a page from one build may ask an
-- instance of the other for its files, and gets them from here.
-- PostgreSQL twin of migrations/sqlite/0011.
CREATE TABLE published_assets (
    path         TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    body         BYTEA NOT NULL,
    published_at BIGINT NOT NULL
);
