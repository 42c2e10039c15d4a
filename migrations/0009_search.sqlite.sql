-- SQLite: an FTS5 index over the words, kept in step with search_docs by triggers.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title_words, body_words,
    content = 'search_docs', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, title_words, body_words) VALUES (new.id, new.title_words, new.body_words);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title_words, body_words) VALUES ('delete', old.id, old.title_words, old.body_words);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title_words, body_words) VALUES ('delete', old.id, old.title_words, old.body_words);
    INSERT INTO search_fts (rowid, title_words, body_words) VALUES (new.id, new.title_words, new.body_words);
END;
