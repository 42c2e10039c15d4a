CREATE TABLE certificates_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    serial TEXT NOT NULL UNIQUE,
    -- prize | team_prize | studio_rating | honour
    kind TEXT NOT NULL,
    competition_id BIGINT REFERENCES competitions(id),
    track_id BIGINT REFERENCES tracks(id),
    entry_id BIGINT REFERENCES entries(id),
    person_id BIGINT REFERENCES people(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    holder TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL,
    honour TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issuer_unit_id BIGINT NOT NULL REFERENCES units(id),
    issuer TEXT NOT NULL,
    results_version BIGINT,
    revoked_at BIGINT,
    revoked_by TEXT NOT NULL DEFAULT '',
    revoked_reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    studio_id BIGINT REFERENCES studios(id),
    source_id BIGINT
);
INSERT INTO certificates_new (id, serial, kind, competition_id, track_id, entry_id, person_id, unit_id, holder, unit_name, title, subtitle, honour, issued_on, issuer_unit_id, issuer, results_version, revoked_at, revoked_by, revoked_reason, created_at)
    SELECT id, serial, kind, competition_id, track_id, entry_id, person_id, unit_id, holder, unit_name, title, subtitle, honour, issued_on, issuer_unit_id, issuer, results_version, revoked_at, revoked_by, revoked_reason, created_at FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_new RENAME TO certificates;
CREATE INDEX certificates_track ON certificates (track_id);
CREATE INDEX certificates_competition ON certificates (competition_id);
CREATE INDEX certificates_person ON certificates (person_id);
CREATE INDEX certificates_studio ON certificates (studio_id);
CREATE INDEX certificates_source ON certificates (kind, source_id);
