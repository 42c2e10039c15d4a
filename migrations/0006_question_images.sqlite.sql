-- Pictures in question stems and options, kept with their bank (`[图片:id]` in the text).
CREATE TABLE question_images (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    bank_id BIGINT NOT NULL REFERENCES question_banks(id),
    content_type TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX question_images_bank ON question_images (bank_id);
