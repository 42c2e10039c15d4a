-- Labour and skills competitions (劳动和技能竞赛): a competition organised by a unit (with
-- co-organisers), its tracks (工种/赛项), each track's rounds with their weights, and its
-- prize tiers (individual and team).
CREATE TABLE competitions (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    edition TEXT NOT NULL DEFAULT '',
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    rules TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX competitions_unit ON competitions (unit_id, starts_on);

CREATE TABLE competition_organisers (
    competition_id BIGINT NOT NULL REFERENCES competitions(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (competition_id, unit_id)
);

CREATE TABLE tracks (
    id @ID@,
    competition_id BIGINT NOT NULL REFERENCES competitions(id),
    name TEXT NOT NULL,
    trade TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    new_this_edition BIGINT NOT NULL DEFAULT 0,
    eligible_unit_id BIGINT REFERENCES units(id),
    min_age BIGINT,
    max_age BIGINT,
    quota_per_unit BIGINT,
    team_size BIGINT,
    -- Team prizes: the sum of a unit's best `team_best` entrants; none when NULL.
    team_best BIGINT,
    -- In thousandths of a point, as every score.
    min_prize_score BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (competition_id, name)
);

CREATE TABLE track_rounds (
    id @ID@,
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    kind TEXT NOT NULL,
    weight BIGINT NOT NULL,
    UNIQUE (track_id, kind)
);

CREATE TABLE prize_tiers (
    track_id BIGINT NOT NULL REFERENCES tracks(id),
    -- 0: individual prizes; 1: team prizes.
    team BIGINT NOT NULL,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- 'count' (places) or 'share' (per mille of the ranked entrants).
    size_kind TEXT NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (track_id, team, position)
);
