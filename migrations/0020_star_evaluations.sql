-- Studio star evaluation cycles on the review engine: the criteria (their full marks are
-- their weights), the thresholds for three, four and five stars and for exit, the expert
-- panel, each expert's scores, and staff's confirmation of each proposal.
CREATE TABLE star_cycles (
    id @ID@,
    -- The studios of this unit's subtree are evaluated.
    unit_id BIGINT NOT NULL REFERENCES units(id),
    year BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- One a line: `创新成果 40`.
    criteria TEXT NOT NULL,
    -- Thousandths of a point, as every score.
    exit_below BIGINT NOT NULL,
    three_stars BIGINT NOT NULL,
    four_stars BIGINT NOT NULL,
    five_stars BIGINT NOT NULL,
    aggregation TEXT NOT NULL DEFAULT 'mean',
    min_judges BIGINT NOT NULL DEFAULT 1,
    closed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE star_experts (
    cycle_id BIGINT NOT NULL REFERENCES star_cycles(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (cycle_id, user_id)
);

CREATE TABLE star_scores (
    cycle_id BIGINT NOT NULL REFERENCES star_cycles(id),
    studio_id BIGINT NOT NULL REFERENCES studios(id),
    expert_id BIGINT NOT NULL REFERENCES users(id),
    -- The criterion's place in the cycle's list, from 1.
    position BIGINT NOT NULL,
    points BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, studio_id, expert_id, position)
);

CREATE TABLE star_confirmations (
    cycle_id BIGINT NOT NULL REFERENCES star_cycles(id),
    studio_id BIGINT NOT NULL REFERENCES studios(id),
    -- promote | keep | demote | exit
    outcome TEXT NOT NULL,
    stars BIGINT NOT NULL,
    score TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    confirmed_at BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, studio_id)
);
