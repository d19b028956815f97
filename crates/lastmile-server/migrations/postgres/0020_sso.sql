-- Joining a device with the organisation's sign-in (OpenID Connect, RFC 8252). An
-- organisation trusts identity providers: the issuer (discovered), the client the desktop app
-- signs in as, how the server authenticates when it redeems a code ('none': a public client
-- with PKCE, 'client_secret_basic', 'private_key_jwt'; the secret or PEM key sealed like the
-- TOTP seeds), which claim names the person ('email', 'preferred_username', 'entra'), the
-- email domains allowed (a JSON array), whether a first sign-in creates the user (jit, 0 or
-- 1), and a claim whose values map to policy groups (a JSON array of [theirs, ours], first
-- match wins). A flow is one join's server half: the nonce the ID token must carry (its
-- SHA-256), single use, expiring.
CREATE TABLE sso_providers (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations(id),
    name           TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    client_id      TEXT NOT NULL,
    client_auth    TEXT NOT NULL,
    credential     TEXT,
    person_claim   TEXT NOT NULL,
    domains        TEXT NOT NULL,
    jit            BIGINT NOT NULL,
    group_claim    TEXT,
    group_map      TEXT NOT NULL,
    scope          TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    disabled_at_ms BIGINT
);
CREATE INDEX sso_providers_org ON sso_providers(org_id);
CREATE TABLE sso_flows (
    id            TEXT PRIMARY KEY,
    provider_id   TEXT NOT NULL REFERENCES sso_providers(id),
    nonce_hash    TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms    BIGINT,
    device_id     TEXT
);
CREATE INDEX sso_flows_expiry ON sso_flows(expires_at_ms);
