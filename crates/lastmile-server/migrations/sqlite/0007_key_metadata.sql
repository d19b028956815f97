-- What the FIDO metadata said of a security key's model when it registered (v7, sqlite).
-- Keep in lockstep with the other database's 0007_key_metadata.sql.
ALTER TABLE factors ADD COLUMN model TEXT;
ALTER TABLE factors ADD COLUMN certification TEXT;
