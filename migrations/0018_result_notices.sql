-- Results frozen, put on public notice (公示) for a set period with objections, then final.
-- Each freeze keeps the results as they were (JSON), so that the notice shows what was
-- frozen and, after a reopening, what changed between two freezes.
CREATE TABLE result_versions (
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    frozen_by TEXT NOT NULL,
    frozen_at BIGINT NOT NULL,
    PRIMARY KEY (track_id, version)
);

-- A track's results stage: no row while open (computed live from the scores).
CREATE TABLE result_states (
    track_id BIGINT PRIMARY KEY REFERENCES tracks(id),
    -- open | frozen | notice | final
    stage TEXT NOT NULL,
    -- The version frozen last (0 before the first freeze).
    version BIGINT NOT NULL,
    notice_opens_at BIGINT,
    notice_closes_at BIGINT,
    updated_at BIGINT NOT NULL
);

-- Every change of stage, with who, when and why; shown on the notice.
CREATE TABLE result_events (
    id @ID@,
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    stage TEXT NOT NULL,
    version BIGINT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    actor_id BIGINT REFERENCES users(id),
    actor_name TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX result_events_track ON result_events (track_id, id);

-- Objections lodged while a notice is open, and how staff resolved each.
CREATE TABLE objections (
    id @ID@,
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    version BIGINT NOT NULL,
    -- The entrant's number on the notice, when the objection is about one entrant.
    entry_id BIGINT REFERENCES entries(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    lodged_at BIGINT NOT NULL,
    -- upheld | dismissed, empty while open
    outcome TEXT NOT NULL DEFAULT '',
    resolution TEXT NOT NULL DEFAULT '',
    resolved_by TEXT NOT NULL DEFAULT '',
    resolved_at BIGINT
);
CREATE INDEX objections_track ON objections (track_id, id);
CREATE INDEX objections_author ON objections (author_id);
