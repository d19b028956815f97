-- Microsoft Entra ID's external authentication method (implicit id_token by form_post): a
-- client names the application registration whose hints it accepts; a request keeps how it is
-- answered, the subject to answer with (the hint's sub), the person the hint named, the amr
-- values the client accepts, Entra's client-request-id (for troubleshooting), the tries on its
-- page and the scope asked for (email adds the person's email to the ID token); an Entra
-- account (tenant and object id) is linked to a Lastmile user at its first sign-in. A code-flow
-- client that authenticates may be let off PKCE (relying parties that cannot send it; its
-- requests must then carry a nonce).
ALTER TABLE oidc_clients ADD COLUMN entra_app_id TEXT;
ALTER TABLE oidc_clients ADD COLUMN pkce TEXT NOT NULL DEFAULT 'required';
ALTER TABLE oidc_requests ADD COLUMN response_type TEXT NOT NULL DEFAULT 'code';
ALTER TABLE oidc_requests ADD COLUMN subject TEXT;
ALTER TABLE oidc_requests ADD COLUMN hint_user_id TEXT REFERENCES users(id);
ALTER TABLE oidc_requests ADD COLUMN amr_values TEXT;
ALTER TABLE oidc_requests ADD COLUMN client_request_id TEXT;
ALTER TABLE oidc_requests ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE oidc_requests ADD COLUMN scope TEXT;
CREATE TABLE oidc_entra_links (
    tenant_id     TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id),
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, object_id)
);
CREATE INDEX oidc_entra_links_user ON oidc_entra_links(user_id);
