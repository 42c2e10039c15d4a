DROP TRIGGER search_docs_ai;
DROP TRIGGER search_docs_ad;
DROP TRIGGER search_docs_au;
DROP TABLE search_fts;
UPDATE search_docs SET seq = id;
CREATE INDEX search_docs_seq ON search_docs (seq);
-- `owner` names this database to the indexes built from it: an index made from another
-- database (or a restored copy of this one) is rebuilt rather than trusted.
CREATE TABLE search_feed (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    owner TEXT NOT NULL
);
INSERT INTO search_feed (id, seq, owner) SELECT 1, COALESCE(MAX(id), 0), lower(hex(randomblob(16))) FROM search_docs;
CREATE TRIGGER search_docs_removed AFTER DELETE ON search_docs BEGIN
    UPDATE search_feed SET seq = seq + 1 WHERE id = 1;
    INSERT INTO search_removed (seq, doc_id) SELECT seq, old.id FROM search_feed WHERE id = 1;
END;
