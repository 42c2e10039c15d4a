-- Question banks (题库): a bank per trade owned by a unit; questions with immutable versions, so
-- that editing a question never changes an attempt already taken.

CREATE TABLE question_banks (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    trade TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX question_banks_unit ON question_banks (unit_id);

CREATE TABLE questions (
    id @ID@,
    bank_id BIGINT NOT NULL REFERENCES question_banks(id),
    category TEXT NOT NULL DEFAULT '',
    -- The id of the newest row in question_versions (no foreign key: the two refer to each other).
    current_version BIGINT NOT NULL DEFAULT 0,
    retired_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX questions_bank ON questions (bank_id, category);

CREATE TABLE question_versions (
    id @ID@,
    question_id BIGINT NOT NULL REFERENCES questions(id),
    number BIGINT NOT NULL,
    kind TEXT NOT NULL,
    difficulty BIGINT NOT NULL,
    points BIGINT NOT NULL,
    -- The whole question (stem, options, key, explanation) as JSON.
    body TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (question_id, number)
);
