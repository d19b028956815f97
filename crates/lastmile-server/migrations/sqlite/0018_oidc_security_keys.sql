-- Security keys on the OpenID Connect sign-in page: a request holds the WebAuthn assertion it
-- started (its state, taken once when the answer comes back) and whose keys it named (none
-- for an email without keys: the page asked for a stand-in, so it tells nothing); each factor
-- keeps when it last satisfied a sign-in, for the dashboard's proof of use.
ALTER TABLE oidc_requests ADD COLUMN key_state TEXT;
ALTER TABLE oidc_requests ADD COLUMN key_user_id TEXT REFERENCES users(id);
ALTER TABLE factors ADD COLUMN last_used_at_ms BIGINT;
