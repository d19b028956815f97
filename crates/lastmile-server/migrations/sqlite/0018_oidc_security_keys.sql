-- Security keys on the OpenID Connect sign-in page: a request holds the WebAuthn assertion it
-- started (its state, taken once when the answer comes back) and whose keys it named (none
-- for an email without keys: the page asked for a stand-in, so it tells nothing); each factor
-- keeps when it last satisfied a sign-in, for the dashboard's proof of use.
ALTER TABLE oidc_requests ADD COLUMN key_state TEXT;
ALTER TABLE oidc_requests ADD COLUMN key_user_id TEXT REFERENCES users(id);
ALTER TABLE factors ADD COLUMN last_used_at_ms BIGINT;
-- The dashboard's proof of use reads an organisation's factors without visiting its users:
-- each factor carries its user's organisation (users never change organisation). Per kind,
-- counts and the last use come from one index-only range; the factors never used, the
-- longest-standing first, from another.
ALTER TABLE factors ADD COLUMN org_id TEXT REFERENCES organisations(id);
UPDATE factors SET org_id = (SELECT users.org_id FROM users WHERE users.id = factors.user_id);
CREATE INDEX factors_org_use ON factors(org_id, kind, status, last_used_at_ms);
CREATE INDEX factors_org_unused ON factors(org_id, last_used_at_ms, verified_at_ms);
