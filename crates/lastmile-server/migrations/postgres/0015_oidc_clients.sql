-- Relying parties of the OpenID Connect provider (Entra ID's external authentication method,
-- Okta, Keycloak, any OIDC client), registered by an administrator. A client secret is stored
-- only as its SHA-256 (it is 256 random bits); a client that authenticates with
-- private_key_jwt has its public keys (a JWK Set) instead. Redirect URIs and, for Entra ID,
-- the allowed tenant ids are JSON arrays; `factors` says which factors satisfy the client
-- ('any' verified factor, or 'phishing_resistant' only).
CREATE TABLE oidc_clients (
    client_id      TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations(id),
    name           TEXT NOT NULL,
    profile        TEXT NOT NULL,
    secret_hash    TEXT,
    jwks           TEXT,
    redirect_uris  TEXT NOT NULL,
    tenants        TEXT NOT NULL,
    factors        TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    disabled_at_ms BIGINT
);
CREATE INDEX oidc_clients_org ON oidc_clients(org_id);
