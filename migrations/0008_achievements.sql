-- The innovation registry, part two: achievements with the people who made them, their awards
-- and the steps of their declaration up the union hierarchy.

CREATE TABLE achievements (
    id @ID@,
    -- The declaring unit: its admins keep the achievement while it is a draft or returned.
    unit_id BIGINT NOT NULL REFERENCES units(id),
    studio_id BIGINT REFERENCES studios(id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    -- 'original', 'integrated', 're_innovation', 'process_improvement', 'workflow_optimisation'
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    year BIGINT NOT NULL,
    effects TEXT NOT NULL DEFAULT '',
    patents TEXT NOT NULL DEFAULT '',
    -- 'draft', 'declared' (awaiting at_unit_id), 'returned', 'recognised' (by at_unit_id).
    stage TEXT NOT NULL DEFAULT 'draft',
    at_unit_id BIGINT REFERENCES units(id),
    -- The best award tier, kept for lists and counts ('' when none).
    best_tier TEXT NOT NULL DEFAULT '',
    published BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX achievements_unit ON achievements (unit_id);
CREATE INDEX achievements_studio ON achievements (studio_id);
CREATE INDEX achievements_at_unit ON achievements (at_unit_id, stage);
CREATE INDEX achievements_year ON achievements (year, field, kind);

CREATE TABLE achievement_people (
    achievement_id BIGINT NOT NULL REFERENCES achievements(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    position BIGINT NOT NULL,
    PRIMARY KEY (achievement_id, person_id)
);
CREATE INDEX achievement_people_person ON achievement_people (person_id);

CREATE TABLE awards (
    id @ID@,
    achievement_id BIGINT NOT NULL REFERENCES achievements(id),
    name TEXT NOT NULL,
    -- 'special', 'first', 'second', 'third', 'excellence' or 'patent'.
    tier TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    year BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX awards_achievement ON awards (achievement_id);
CREATE INDEX awards_tier ON awards (tier, year);

-- Every step of a declaration, in order: who decided what, at which unit, and why.
CREATE TABLE declaration_steps (
    id @ID@,
    achievement_id BIGINT NOT NULL REFERENCES achievements(id),
    at_ms BIGINT NOT NULL,
    actor_user_id BIGINT,
    actor_name TEXT NOT NULL,
    -- 'declare', 'recommend', 'recognise' or 'return'.
    decision TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    to_unit_id BIGINT REFERENCES units(id),
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX declaration_steps_achievement ON declaration_steps (achievement_id);
