-- Issue 13: the columns a search filters on, in an index of their own, so that finding which
-- matches the searcher may see reads this narrow index and not the documents' text.
CREATE INDEX search_docs_seen ON search_docs (id, published, unit_path, entity, kind, level, tier, fields, year);
