-- Nudges sent to users with a gap (v11, postgres). Keep in lockstep with the other database's
-- 0011_engagement.sql. Only delivered nudges are recorded; a user is nudged again only after
-- the interval the run is given.
CREATE TABLE nudges (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    org_id      TEXT NOT NULL,
    step        TEXT NOT NULL,
    with_invite BIGINT NOT NULL,
    sent_at_ms  BIGINT NOT NULL
);
CREATE INDEX nudges_user ON nudges(user_id, sent_at_ms);
