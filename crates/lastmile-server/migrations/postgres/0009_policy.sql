-- Policy per group, exceptions, each user's compliance, admin tokens (v9, postgres).
-- Keep in lockstep with the other database's 0009_policy.sql.

-- A group (or risk tier) of users and its policy (lastmile_core::policy::Policy, JSON).
-- Users in no group follow the organisation's group named 'default', if there is one.
CREATE TABLE policy_groups (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    name          TEXT NOT NULL,
    policy        TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    UNIQUE (org_id, name)
);
ALTER TABLE users ADD COLUMN group_id TEXT REFERENCES policy_groups(id);

-- A user counts as compliant until expires_at_ms; someone answers for it.
CREATE TABLE policy_exceptions (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id),
    owner         TEXT NOT NULL,
    reason        TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX policy_exceptions_user ON policy_exceptions(user_id, expires_at_ms);

-- Each user's standing under their policy from verified factors, kept current in the
-- transaction that changes the factors (exceptions and enforcement dates apply on read).
-- No row: no verified factor yet, with a gap since the user was created.
CREATE TABLE user_compliance (
    user_id          TEXT PRIMARY KEY REFERENCES users(id),
    org_id           TEXT NOT NULL,
    met              BIGINT NOT NULL,
    best_tier        TEXT,
    gaps             TEXT NOT NULL,
    gap_since_ms     BIGINT,
    remediated_at_ms BIGINT,
    updated_at_ms    BIGINT NOT NULL
);
CREATE INDEX user_compliance_org ON user_compliance(org_id, met);

-- Only the SHA-256 of an admin token is stored; the token is shown once.
CREATE TABLE admin_tokens (
    token_hash    TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    name          TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT
);

-- The dashboard reads the newest events of one organisation.
CREATE INDEX audit_events_org_seq ON audit_events(org_id, seq);
