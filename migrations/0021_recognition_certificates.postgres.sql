ALTER TABLE certificates ALTER COLUMN competition_id DROP NOT NULL;
ALTER TABLE certificates ALTER COLUMN track_id DROP NOT NULL;
ALTER TABLE certificates ALTER COLUMN results_version DROP NOT NULL;
ALTER TABLE certificates ADD COLUMN studio_id BIGINT REFERENCES studios(id);
ALTER TABLE certificates ADD COLUMN source_id BIGINT;
CREATE INDEX certificates_studio ON certificates (studio_id);
CREATE INDEX certificates_source ON certificates (kind, source_id);
