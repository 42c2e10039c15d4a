-- Certificates of prizes (and later of recognitions): what each says, kept as issued, its
-- serial for the public verification page, and its revocation. The template a federation
-- uses (Typst source), and batches of PDFs rendered into one zip.
CREATE TABLE certificate_templates (
    unit_id BIGINT PRIMARY KEY REFERENCES units(id),
    source TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE certificates (
    id @ID@,
    serial TEXT NOT NULL UNIQUE,
    -- prize | team_prize
    kind TEXT NOT NULL,
    competition_id BIGINT NOT NULL REFERENCES competitions(id),
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    entry_id BIGINT REFERENCES entries(id),
    person_id BIGINT REFERENCES people(id),
    -- The holder's unit (for a team prize, the unit that holds it).
    unit_id BIGINT NOT NULL REFERENCES units(id),
    holder TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL,
    honour TEXT NOT NULL,
    -- YYYY-MM-DD
    issued_on TEXT NOT NULL,
    issuer_unit_id BIGINT NOT NULL REFERENCES units(id),
    issuer TEXT NOT NULL,
    -- The frozen results version the prize comes from.
    results_version BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_by TEXT NOT NULL DEFAULT '',
    revoked_reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX certificates_track ON certificates (track_id);
CREATE INDEX certificates_competition ON certificates (competition_id);
CREATE INDEX certificates_person ON certificates (person_id);

CREATE TABLE certificate_batches (
    id @ID@,
    competition_id BIGINT NOT NULL REFERENCES competitions(id),
    requested_by TEXT NOT NULL,
    total BIGINT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    -- running | done | failed
    state TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
