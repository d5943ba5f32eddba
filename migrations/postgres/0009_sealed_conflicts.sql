-- Declared conflicts are sealed in new snapshots (record format aqxc-draw/2): the snapshot holds
-- one salted digest per declaration and the draw keeps the openings here, staff side; the public
-- record opens only those about selected enterprises. Draws announced before keep format 1,
-- whose commitment names it, and no openings.
-- PostgreSQL twin of migrations/sqlite/0009.
ALTER TABLE draws ADD COLUMN format TEXT NOT NULL DEFAULT 'aqxc-draw/1';
ALTER TABLE draws ADD COLUMN conflict_openings TEXT NOT NULL DEFAULT '[]'; -- JSON array of Opening
