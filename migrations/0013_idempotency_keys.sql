-- Answers to API requests sent with an Idempotency-Key, so that a client's retry of a create
-- gets the first answer instead of a second record. Kept a day (see db/idempotency.rs).
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL,
    idem_key TEXT NOT NULL,
    -- SHA-256 of the method, the path with its query, and the body: a key names one request.
    fingerprint TEXT NOT NULL,
    -- A random token of the run that holds the key: only it completes or releases it.
    claim TEXT NOT NULL,
    -- 0 while the first request runs.
    status BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    body TEXT NOT NULL,
    etag TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
