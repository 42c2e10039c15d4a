-- Pictures of a studio's profile (its site, team, equipment), with a JPEG thumbnail.
CREATE TABLE studio_pictures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    studio_id BIGINT NOT NULL REFERENCES studios(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    thumbnail BLOB,
    created_at BIGINT NOT NULL
);
CREATE INDEX studio_pictures_studio ON studio_pictures (studio_id);
