-- A track's theory round is sat as an exam session: its approved entrants become the
-- session's entrants without retyping.
ALTER TABLE track_rounds ADD COLUMN exam_session_id BIGINT REFERENCES exam_sessions(id);
