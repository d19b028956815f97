-- Sign-in requests of OpenID Connect clients, kept on the server (the page's form names one by
-- its id; both legs of the flows are cross-site, so no cookie carries them). A request that a
-- factor satisfied gets an authorization code (stored as its SHA-256), redeemed once.
CREATE TABLE oidc_requests (
    id                 TEXT PRIMARY KEY,
    client_id          TEXT NOT NULL REFERENCES oidc_clients(client_id),
    redirect_uri       TEXT NOT NULL,
    state              TEXT,
    nonce              TEXT,
    code_challenge     TEXT NOT NULL,
    acr                TEXT,
    created_at_ms      BIGINT NOT NULL,
    expires_at_ms      BIGINT NOT NULL,
    user_id            TEXT REFERENCES users(id),
    factor_id          TEXT REFERENCES factors(id),
    amr                TEXT,
    auth_time_ms       BIGINT,
    code_hash          TEXT UNIQUE,
    code_expires_at_ms BIGINT,
    redeemed_at_ms     BIGINT
);
CREATE INDEX oidc_requests_expiry ON oidc_requests(expires_at_ms);
