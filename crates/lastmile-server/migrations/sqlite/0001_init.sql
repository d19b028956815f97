-- Lastmile schema v1 (SQLite). Keep in lockstep with migrations/postgres/0001_init.sql.
-- Timestamps are Unix milliseconds (BIGINT) so both backends read them as i64.
CREATE TABLE organisations (
    id            TEXT PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    UNIQUE (org_id, email)
);

-- Only the SHA-256 of an invite code is stored; the code itself is shown once.
CREATE TABLE invites (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id),
    code_hash      TEXT NOT NULL UNIQUE,
    created_at_ms  BIGINT NOT NULL,
    expires_at_ms  BIGINT NOT NULL,
    used_at_ms     BIGINT,
    used_by_device TEXT
);

-- Only the SHA-256 of a device token is stored; the token lives in the device's keyring.
CREATE TABLE devices (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users(id),
    token_hash        TEXT NOT NULL UNIQUE,
    hostname          TEXT NOT NULL,
    os_name           TEXT NOT NULL,
    os_version        TEXT NOT NULL,
    arch              TEXT NOT NULL,
    app_version       TEXT NOT NULL,
    created_at_ms     BIGINT NOT NULL,
    revoked_at_ms     BIGINT,
    last_report_at_ms BIGINT
);
CREATE INDEX devices_user ON devices(user_id);

CREATE TABLE posture_reports (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id       TEXT NOT NULL REFERENCES devices(id),
    received_at_ms  BIGINT NOT NULL,
    generated_at_ms BIGINT NOT NULL,
    body            TEXT NOT NULL
);
CREATE INDEX posture_reports_device ON posture_reports(device_id, id);
