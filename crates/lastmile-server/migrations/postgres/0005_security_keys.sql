-- Security keys (v5, PostgreSQL). Keep in lockstep with migrations/sqlite/0005_security_keys.sql.

-- WebAuthn ceremonies in progress: the relying party's state (webauthn-rs, serialised) that
-- the answer must match. Single use: finishing deletes the row. Kept in the database, not in
-- memory, so that any replica can finish a ceremony another one started.
CREATE TABLE webauthn_ceremonies (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id),
    device_id     TEXT NOT NULL REFERENCES devices(id),
    kind          TEXT NOT NULL,
    factor_id     TEXT REFERENCES factors(id),
    state         TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);

-- A security key factor: the credential (public key, counter; serialised webauthn-rs
-- SecurityKey) and what registration showed of the authenticator.
ALTER TABLE factors ADD COLUMN credential_id TEXT;
ALTER TABLE factors ADD COLUMN credential TEXT;
ALTER TABLE factors ADD COLUMN aaguid TEXT;
ALTER TABLE factors ADD COLUMN attestation_format TEXT;
ALTER TABLE factors ADD COLUMN attestation_trusted BIGINT;
ALTER TABLE factors ADD COLUMN backup_eligible BIGINT;
ALTER TABLE factors ADD COLUMN backed_up BIGINT;
CREATE UNIQUE INDEX factors_credential ON factors(credential_id);
