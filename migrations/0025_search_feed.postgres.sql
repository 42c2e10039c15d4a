DROP INDEX search_docs_tsv;
ALTER TABLE search_docs DROP COLUMN tsv;
UPDATE search_docs SET seq = id;
CREATE INDEX search_docs_seq ON search_docs (seq);
-- `owner` names this database to the indexes built from it: an index made from another
-- database (or a restored copy of this one) is rebuilt rather than trusted.
CREATE TABLE search_feed (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    owner TEXT NOT NULL
);
INSERT INTO search_feed (id, seq, owner) SELECT 1, COALESCE(MAX(id), 0), md5(random()::text || clock_timestamp()::text) FROM search_docs;
CREATE FUNCTION search_doc_removed() RETURNS trigger AS $$
BEGIN
    WITH next AS (UPDATE search_feed SET seq = seq + 1 WHERE id = 1 RETURNING seq)
    INSERT INTO search_removed (seq, doc_id) SELECT next.seq, OLD.id FROM next;
    RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER search_docs_removed AFTER DELETE ON search_docs FOR EACH ROW EXECUTE FUNCTION search_doc_removed();
