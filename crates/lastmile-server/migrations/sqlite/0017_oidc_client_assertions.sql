-- Client assertions (private_key_jwt) already used at the token endpoint, kept until they
-- expire, so that each is accepted once (RFC 7523 section 3: the jti claim).
CREATE TABLE oidc_client_assertions (
    client_id     TEXT NOT NULL REFERENCES oidc_clients(client_id),
    jti           TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX oidc_client_assertions_expiry ON oidc_client_assertions(expires_at_ms);
