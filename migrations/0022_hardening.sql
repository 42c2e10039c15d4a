-- Hardening (issue 12): answer keys that staff release, API tokens that expire and carry a
-- scope. Tokens made before this expire 90 days after they were made.
ALTER TABLE exam_sessions ADD COLUMN keys_released_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';
UPDATE api_tokens SET expires_at = created_at + 7776000000 WHERE expires_at IS NULL;
