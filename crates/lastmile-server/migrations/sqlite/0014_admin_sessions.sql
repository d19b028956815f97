-- Dashboard sign-ins: the browser holds a random session id (only its SHA-256 is stored), never
-- the admin token itself. A session ends at its expiry, at sign-out, or when the token it came
-- from is revoked.
CREATE TABLE admin_sessions (
    session_hash  TEXT PRIMARY KEY,
    token_hash    TEXT NOT NULL REFERENCES admin_tokens(token_hash),
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX admin_sessions_expiry ON admin_sessions(expires_at_ms);
