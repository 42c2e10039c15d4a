-- The practical round (线下实操): its criteria and panel rule, the draw of anonymous numbers,
-- panels of judges with their entrants, the scores each judge gives and every correction.
ALTER TABLE track_rounds ADD COLUMN aggregation TEXT NOT NULL DEFAULT 'mean';
ALTER TABLE track_rounds ADD COLUMN normalise BIGINT NOT NULL DEFAULT 0;
ALTER TABLE track_rounds ADD COLUMN min_judges BIGINT NOT NULL DEFAULT 1;
ALTER TABLE track_rounds ADD COLUMN rule_version BIGINT NOT NULL DEFAULT 1;
-- The seed of the draw, as text (a u64 does not fit a signed BIGINT); empty until drawn.
ALTER TABLE track_rounds ADD COLUMN draw_seed TEXT NOT NULL DEFAULT '';

CREATE TABLE criteria (
    id @ID@,
    round_id BIGINT NOT NULL REFERENCES track_rounds(id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- Thousandths of a point, as every score.
    max_points BIGINT NOT NULL,
    deduction BIGINT NOT NULL DEFAULT 0,
    UNIQUE (round_id, position)
);

CREATE TABLE panels (
    id @ID@,
    round_id BIGINT NOT NULL REFERENCES track_rounds(id),
    name TEXT NOT NULL,
    -- Score entry closed (by the chief judge or the organiser), and the chief judge's confirmation.
    closed_at BIGINT,
    confirmed_at BIGINT,
    confirmed_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (round_id, name)
);

CREATE TABLE panel_judges (
    panel_id BIGINT NOT NULL REFERENCES panels(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    chief BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (panel_id, user_id)
);
CREATE INDEX panel_judges_user ON panel_judges (user_id);

ALTER TABLE entries ADD COLUMN number BIGINT;
ALTER TABLE entries ADD COLUMN panel_id BIGINT REFERENCES panels(id);
CREATE UNIQUE INDEX entries_number ON entries (track_id, number);
CREATE INDEX entries_panel ON entries (panel_id, number);

-- A judge standing aside by their own word (conflicts the union tree shows are found anew).
CREATE TABLE declared_conflicts (
    entry_id BIGINT NOT NULL REFERENCES entries(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (entry_id, user_id)
);

CREATE TABLE scores (
    id @ID@,
    entry_id BIGINT NOT NULL REFERENCES entries(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    criterion_id BIGINT NOT NULL REFERENCES criteria(id),
    points BIGINT NOT NULL,
    saved_at BIGINT NOT NULL,
    UNIQUE (entry_id, user_id, criterion_id)
);

CREATE TABLE score_corrections (
    id @ID@,
    score_id BIGINT NOT NULL REFERENCES scores(id),
    before_points BIGINT NOT NULL,
    after_points BIGINT NOT NULL,
    reason TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    at_ms BIGINT NOT NULL
);
CREATE INDEX score_corrections_score ON score_corrections (score_id);
