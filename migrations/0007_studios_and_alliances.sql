-- The innovation registry, part one: studios with their members, recognition levels and star
-- ratings; people's honours and master-apprentice pairs; alliances with members, chair terms
-- and projects; innovation centers and bases; settings the federation can change.
-- Days are 'YYYY-MM-DD' text (they compare as strings); codes are English snake_case.

CREATE TABLE studios (
    id @ID@,
    -- The host unit: admins of its subtree keep the studio.
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    leader_person_id BIGINT REFERENCES people(id),
    -- Field codes joined by ',' (e.g. 'advanced_manufacturing,ai').
    fields TEXT NOT NULL DEFAULT '',
    founded_year BIGINT,
    site TEXT NOT NULL DEFAULT '',
    equipment TEXT NOT NULL DEFAULT '',
    funds TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    -- The highest level recognised and the latest stars, kept with their histories below.
    level TEXT NOT NULL DEFAULT '',
    stars BIGINT NOT NULL DEFAULT 0,
    -- 'active', 'merged' (into merged_into) or 'exited'.
    status TEXT NOT NULL DEFAULT 'active',
    merged_into BIGINT REFERENCES studios(id),
    status_on TEXT NOT NULL DEFAULT '',
    -- Shown on the public showcase.
    published BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX studios_unit_name ON studios (unit_id, name);
CREATE INDEX studios_leader ON studios (leader_person_id);
CREATE INDEX studios_level ON studios (level);

CREATE TABLE studio_members (
    id @ID@,
    studio_id BIGINT NOT NULL REFERENCES studios(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    -- 'leader', 'core', 'member' or 'advisor'.
    role TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    left_on TEXT
);
CREATE INDEX studio_members_studio ON studio_members (studio_id);
CREATE INDEX studio_members_person ON studio_members (person_id);

CREATE TABLE studio_levels (
    id @ID@,
    studio_id BIGINT NOT NULL REFERENCES studios(id),
    level TEXT NOT NULL,
    year BIGINT NOT NULL,
    granted_by TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_at BIGINT NOT NULL,
    UNIQUE (studio_id, level, year)
);

CREATE TABLE studio_ratings (
    id @ID@,
    studio_id BIGINT NOT NULL REFERENCES studios(id),
    stars BIGINT NOT NULL,
    rated_on TEXT NOT NULL,
    -- Who rated, e.g. '2025年度市总工会评估检查'; an evaluation record once judging exists.
    source TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX studio_ratings_studio ON studio_ratings (studio_id, rated_on);

CREATE TABLE honours (
    id @ID@,
    person_id BIGINT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    title TEXT NOT NULL,
    year BIGINT NOT NULL,
    granted_by TEXT NOT NULL DEFAULT '',
    recorded_at BIGINT NOT NULL
);
CREATE INDEX honours_person ON honours (person_id);
CREATE INDEX honours_kind ON honours (kind, level, year);

CREATE TABLE mentorships (
    id @ID@,
    master_id BIGINT NOT NULL REFERENCES people(id),
    apprentice_id BIGINT NOT NULL REFERENCES people(id),
    from_year BIGINT NOT NULL,
    to_year BIGINT,
    recorded_at BIGINT NOT NULL,
    UNIQUE (master_id, apprentice_id, from_year)
);
CREATE INDEX mentorships_apprentice ON mentorships (apprentice_id);

CREATE TABLE alliances (
    id @ID@,
    -- The unit whose admins keep the alliance's record (the federation or an industry union).
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL UNIQUE,
    -- 'value_chain', 'same_kind', 'cross_kind' or 'thematic'.
    kind TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL DEFAULT '',
    founded_year BIGINT,
    -- Its own annual-projects quota, when it differs from the federation's.
    annual_quota BIGINT,
    published BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE alliance_members (
    id @ID@,
    alliance_id BIGINT NOT NULL REFERENCES alliances(id),
    studio_id BIGINT NOT NULL REFERENCES studios(id),
    joined_on TEXT NOT NULL,
    left_on TEXT
);
CREATE INDEX alliance_members_alliance ON alliance_members (alliance_id);
CREATE INDEX alliance_members_studio ON alliance_members (studio_id);

CREATE TABLE alliance_chairs (
    id @ID@,
    alliance_id BIGINT NOT NULL REFERENCES alliances(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    from_on TEXT NOT NULL,
    until_on TEXT,
    -- What was handed over (交接), written when the term begins.
    handover_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alliance_chairs_alliance ON alliance_chairs (alliance_id);

CREATE TABLE alliance_projects (
    id @ID@,
    alliance_id BIGINT NOT NULL REFERENCES alliances(id),
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    recorded_at BIGINT NOT NULL
);
CREATE INDEX alliance_projects_year ON alliance_projects (alliance_id, year);

-- Innovation centers and bases: larger groupings of studios and alliances.
CREATE TABLE innovation_groups (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    -- 'center' or 'base'.
    kind TEXT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    summary TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE innovation_group_members (
    group_id BIGINT NOT NULL REFERENCES innovation_groups(id),
    studio_id BIGINT REFERENCES studios(id),
    alliance_id BIGINT REFERENCES alliances(id)
);
CREATE INDEX innovation_group_members_group ON innovation_group_members (group_id);

-- Settings the federation changes in the interface (each change is audited).
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
