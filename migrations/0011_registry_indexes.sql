-- Indexes for the public showcase's lists at scale: published achievements newest first,
-- overall and by field (found by `gongjiang bench search` at 100,000 achievements).
CREATE INDEX achievements_published ON achievements (published, year, id);
CREATE INDEX achievements_published_field ON achievements (published, field, year, id);
CREATE INDEX studios_published ON studios (published, level);
