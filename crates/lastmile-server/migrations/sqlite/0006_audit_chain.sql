-- Tamper-evident audit log (v6, SQLite). Keep in lockstep with migrations/postgres/0006_audit_chain.sql.
-- Each event carries its place in the chain (seq), the hash of the event before it and its
-- own hash over both; audit_head holds the last seq and hash, updated in the same
-- transaction, so that removing the newest events is as visible as changing old ones.
-- Events written before this migration have no seq and are reported as not chained.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_events_seq ON audit_events(seq);

CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
