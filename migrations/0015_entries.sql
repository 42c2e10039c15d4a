-- Registration for competition tracks (报名): an entry per person and track, climbing the
-- union tree from the entrant's unit to the organiser, with each step kept.
CREATE TABLE entries (
    id @ID@,
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    -- The entrant's unit when they entered, and the enterprise whose places the entry takes.
    unit_id BIGINT NOT NULL REFERENCES units(id),
    quota_unit_id BIGINT NOT NULL REFERENCES units(id),
    team TEXT NOT NULL DEFAULT '',
    birth_on TEXT NOT NULL DEFAULT '',
    -- 'pending', 'returned', 'approved' or 'withdrawn'.
    stage TEXT NOT NULL,
    -- While pending: the unit it waits on.
    at_unit_id BIGINT REFERENCES units(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (track_id, person_id)
);
CREATE INDEX entries_track ON entries (track_id, stage);
CREATE INDEX entries_waiting ON entries (at_unit_id, stage);
CREATE INDEX entries_quota ON entries (track_id, quota_unit_id, stage);
CREATE INDEX entries_person ON entries (person_id);

CREATE TABLE entry_steps (
    id @ID@,
    entry_id BIGINT NOT NULL REFERENCES entries(id),
    at_ms BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor_name TEXT NOT NULL,
    -- 'submit', 'approve', 'return' or 'withdraw'.
    decision TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    to_unit_id BIGINT REFERENCES units(id),
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX entry_steps_entry ON entry_steps (entry_id);
