-- Recovery after device loss and the audit log (v4, PostgreSQL). Keep in lockstep with
-- migrations/sqlite/0004_recovery_sessions.sql.

-- A device signed in with a recovery code may see and revoke the user's factors and
-- devices until this time (server clock). NULL: no recovery session.
ALTER TABLE devices ADD COLUMN recovery_until_ms BIGINT;

-- One row per successful recovery sign-in. The client's attempt key (only its SHA-256 is
-- kept) lets a retry after a lost answer continue this sign-in with the same code.
CREATE TABLE recovery_signins (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id),
    device_id     TEXT NOT NULL REFERENCES devices(id),
    code_id       TEXT NOT NULL REFERENCES recovery_codes(id),
    attempt_hash  TEXT NOT NULL UNIQUE,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);

-- Every change of a user's factors and devices, in order. Append only.
CREATE TABLE audit_events (
    id        BIGSERIAL PRIMARY KEY,
    at_ms     BIGINT NOT NULL,
    org_id    TEXT NOT NULL,
    user_id   TEXT,
    device_id TEXT,
    factor_id TEXT,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX audit_events_user ON audit_events(user_id, id);
