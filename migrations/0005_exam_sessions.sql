-- Exam sessions (考试场次), their entrants and personal arrangements, attempts and answers.
-- Times are epoch milliseconds; points are hundredths of a point.

CREATE TABLE exam_sessions (
    id @ID@,
    paper_id BIGINT NOT NULL REFERENCES papers(id),
    -- The unit that runs it (the paper's bank's unit): admins of its subtree manage it.
    unit_id BIGINT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    opens_ms BIGINT NOT NULL,
    closes_ms BIGINT NOT NULL,
    limit_ms BIGINT NOT NULL,
    -- 'full_time' or 'cut_at_close'
    late_start TEXT NOT NULL,
    grace_ms BIGINT NOT NULL,
    attempts_allowed BIGINT NOT NULL,
    -- Whether entrants see their score and the key once they have submitted.
    show_results BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX exam_sessions_unit ON exam_sessions (unit_id);

-- Who may sit: a person, or everyone in a unit's subtree.
CREATE TABLE exam_entrants (
    id @ID@,
    session_id BIGINT NOT NULL REFERENCES exam_sessions(id),
    person_id BIGINT REFERENCES people(id),
    unit_id BIGINT REFERENCES units(id)
);
CREATE INDEX exam_entrants_session ON exam_entrants (session_id);
CREATE INDEX exam_entrants_person ON exam_entrants (person_id);

-- A person's extra time or own window (a make-up sitting).
CREATE TABLE exam_arrangements (
    session_id BIGINT NOT NULL REFERENCES exam_sessions(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    extra_ms BIGINT NOT NULL,
    opens_ms BIGINT,
    closes_ms BIGINT,
    reason TEXT NOT NULL,
    PRIMARY KEY (session_id, person_id)
);

CREATE TABLE attempts (
    id @ID@,
    session_id BIGINT NOT NULL REFERENCES exam_sessions(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    number BIGINT NOT NULL,
    seed BIGINT NOT NULL,
    -- The questions as shown, fixed at the start: [{"v": version id, "o": [option order]}].
    layout TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    deadline_ms BIGINT NOT NULL,
    grace_ms BIGINT NOT NULL,
    last_save_at BIGINT NOT NULL,
    submitted_at BIGINT,
    -- 'entrant' or 'clock'
    submitted_by TEXT,
    score BIGINT,
    max_score BIGINT NOT NULL,
    -- Per position: {"p": points or null while a person has to grade, "m": graded by a person}.
    grades TEXT,
    pending_manual BIGINT NOT NULL DEFAULT 0,
    UNIQUE (session_id, person_id, number)
);
CREATE INDEX attempts_open ON attempts (deadline_ms) WHERE submitted_at IS NULL;

CREATE TABLE answers (
    attempt_id BIGINT NOT NULL REFERENCES attempts(id),
    position BIGINT NOT NULL,
    response TEXT NOT NULL,
    -- The device's sequence number: a save applies only if it is newer than the stored one.
    client_seq BIGINT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, position)
);
