-- Device keys and signed, idempotent posture reports (v8, postgres).
-- Keep in lockstep with the other database's 0008_device_keys.sql.

-- The device's public key (P-256 SPKI, base64url); its reports must be signed with it.
ALTER TABLE devices ADD COLUMN public_key TEXT;
-- The highest report sequence number received from the device (for the current key).
ALTER TABLE devices ADD COLUMN last_sequence BIGINT NOT NULL DEFAULT 0;

-- A report keeps the exact body that was signed and its signature, so that anyone with the
-- device's public key can check it later.
ALTER TABLE posture_reports ADD COLUMN report_id TEXT;
ALTER TABLE posture_reports ADD COLUMN sequence BIGINT;
ALTER TABLE posture_reports ADD COLUMN signature TEXT;
CREATE UNIQUE INDEX posture_reports_idempotency ON posture_reports(device_id, report_id);
