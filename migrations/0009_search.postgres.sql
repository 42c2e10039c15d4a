-- PostgreSQL: a generated tsvector of the words (title weighted above body) with a GIN index.
ALTER TABLE search_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', title_words), 'A') || setweight(to_tsvector('simple', body_words), 'B')
) STORED;
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
