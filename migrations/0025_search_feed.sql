-- Issue 13: the words are matched by an index each instance keeps beside the database
-- (gongjiang_search::index), fed from here. Every write of a document takes the next number
-- of `search_feed` in its own transaction (the counter's row lock orders them by commit), and
-- every removal leaves that number in `search_removed`: an instance that has applied up to N
-- reads what is newer than N and misses nothing. The database's own word indexes (FTS5, a
-- tsvector) and the narrow filter index of 0024 are no longer read, so they go.
ALTER TABLE search_docs ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE TABLE search_removed (
    seq BIGINT PRIMARY KEY,
    doc_id BIGINT NOT NULL
);
DROP INDEX search_docs_seen;
