-- Factors (v2, SQLite). Keep in lockstep with migrations/postgres/0002_factors.sql.
-- A factor is 'pending' until the server has verified it, then 'verified'; only verified
-- factors count. TOTP: the shared secret (base 32) the server needs to verify codes, the
-- last accepted step (replay refusal) and the failure counter (lockout).
CREATE TABLE factors (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id),
    device_id       TEXT REFERENCES devices(id),
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    verified_at_ms  BIGINT,
    revoked_at_ms   BIGINT,
    totp_secret     TEXT,
    totp_algorithm  TEXT,
    totp_digits     BIGINT,
    totp_period_s   BIGINT,
    totp_last_step  BIGINT,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until_ms BIGINT
);
CREATE INDEX factors_user ON factors(user_id, status);
