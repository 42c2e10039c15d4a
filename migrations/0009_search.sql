-- One search document per studio, achievement and person, written in the same transaction as
-- the record: words segmented by the application (jieba plus character pairs) in *_words,
-- the plain text in title and body for snippets, and the columns the filters use.
CREATE TABLE search_docs (
    id @ID@,
    -- 'studio', 'achievement' or 'person'.
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    unit_path TEXT NOT NULL,
    published BIGINT NOT NULL,
    -- Field codes between commas (',ai,it,') so that one filter serves studios and achievements.
    fields TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    year BIGINT,
    level TEXT NOT NULL DEFAULT '',
    tier TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_words TEXT NOT NULL,
    body_words TEXT NOT NULL,
    UNIQUE (entity, entity_id)
);
CREATE INDEX search_docs_unit ON search_docs (unit_path);
