-- Exhibitions (成果展示): a selection of achievements shown online, and the subset shown at an
-- offline venue on boards and as physical models.
CREATE TABLE exhibitions (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    venue TEXT NOT NULL DEFAULT '',
    opens_on TEXT NOT NULL DEFAULT '',
    closes_on TEXT NOT NULL DEFAULT '',
    published BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE exhibition_items (
    exhibition_id BIGINT NOT NULL REFERENCES exhibitions(id),
    achievement_id BIGINT NOT NULL REFERENCES achievements(id),
    position BIGINT NOT NULL,
    -- Shown at the venue too (1), with its board number and notes for the board and the model.
    offline BIGINT NOT NULL DEFAULT 0,
    board_no TEXT NOT NULL DEFAULT '',
    board_note TEXT NOT NULL DEFAULT '',
    model_note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (exhibition_id, achievement_id)
);
CREATE INDEX exhibition_items_achievement ON exhibition_items (achievement_id);
