-- Papers (试卷): fixed (a list of questions) or drawn per entrant by rules from one bank.

CREATE TABLE papers (
    id @ID@,
    bank_id BIGINT NOT NULL REFERENCES question_banks(id),
    name TEXT NOT NULL,
    -- 'fixed' or 'drawn'
    mode TEXT NOT NULL,
    -- fixed: JSON array of question ids; drawn: JSON array of DrawRule
    spec TEXT NOT NULL,
    shuffle_questions BIGINT NOT NULL DEFAULT 1,
    shuffle_options BIGINT NOT NULL DEFAULT 1,
    -- in hundredths of a point, like question points
    pass_mark BIGINT NOT NULL,
    partial_credit TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX papers_bank ON papers (bank_id);
