-- Recovery codes (v3, SQLite). Keep in lockstep with migrations/postgres/0003_recovery_codes.sql.
-- A set is a factor of kind 'recovery_codes' (pending until the user typed one back). Each
-- code is stored only as an argon2id PHC string; used codes keep their row with used_at_ms.
CREATE TABLE recovery_codes (
    id            TEXT PRIMARY KEY,
    factor_id     TEXT NOT NULL REFERENCES factors(id),
    user_id       TEXT NOT NULL REFERENCES users(id),
    code_hash     TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    used_at_ms    BIGINT
);
CREATE INDEX recovery_codes_factor ON recovery_codes(factor_id);
