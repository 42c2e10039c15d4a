-- Pictures and documents of achievements, kept in the database so that every app instance
-- serves them; pictures carry a small JPEG thumbnail made at upload.
CREATE TABLE achievement_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    achievement_id BIGINT NOT NULL REFERENCES achievements(id),
    -- 'picture' or 'document'.
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BLOB NOT NULL,
    thumbnail BLOB,
    position BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX achievement_files_achievement ON achievement_files (achievement_id, position);
