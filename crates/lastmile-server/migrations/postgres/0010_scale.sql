-- Cheaper reads at scale (v10, postgres). Keep in lockstep with the other database's 0010_scale.sql.

-- Reports received per device, kept in the transaction that stores a report (no COUNT(*)
-- over a growing table on every report).
ALTER TABLE devices ADD COLUMN report_count BIGINT NOT NULL DEFAULT 0;
UPDATE devices SET report_count = (SELECT COUNT(*) FROM posture_reports r WHERE r.device_id = devices.id);

-- Every user has a compliance row (from creation on), with their group's name, so that the
-- dashboard's counts are index scans of this one table.
ALTER TABLE user_compliance ADD COLUMN group_name TEXT NOT NULL DEFAULT 'default';
INSERT INTO user_compliance (user_id, org_id, met, best_tier, gaps, gap_since_ms, remediated_at_ms, updated_at_ms, group_name)
    SELECT u.id, u.org_id, 0, NULL, '[]', u.created_at_ms, NULL, u.created_at_ms, COALESCE(g.name, 'default')
    FROM users u LEFT JOIN policy_groups g ON g.id = u.group_id
    WHERE NOT EXISTS (SELECT 1 FROM user_compliance c WHERE c.user_id = u.id);
UPDATE user_compliance SET group_name = COALESCE(
    (SELECT g.name FROM users u JOIN policy_groups g ON g.id = u.group_id WHERE u.id = user_compliance.user_id),
    'default');
CREATE INDEX user_compliance_cover ON user_compliance(org_id, group_name, met, best_tier);
CREATE INDEX user_compliance_gaps ON user_compliance(org_id, met, gap_since_ms);
CREATE INDEX policy_exceptions_expiry ON policy_exceptions(expires_at_ms);

-- Gaps closed so far and the time they were open, per organisation, kept in the transaction
-- that closes a gap: the mean time to remediate without a scan.
CREATE TABLE remediation_totals (
    org_id   TEXT PRIMARY KEY REFERENCES organisations(id),
    closed   BIGINT NOT NULL,
    total_ms BIGINT NOT NULL
);
INSERT INTO remediation_totals (org_id, closed, total_ms)
    SELECT org_id, COUNT(*), SUM(remediated_at_ms - gap_since_ms) FROM user_compliance
    WHERE remediated_at_ms IS NOT NULL AND gap_since_ms IS NOT NULL GROUP BY org_id;
