-- Every primary key and unique constraint leads with org_id (issue 18): on Citus each org table is
-- distributed by it, and a distributed table can only enforce a uniqueness that includes it. The API
-- keys were the exception: a request arrives with a key and no org, so the hash and the display prefix
-- were unique on their own. A key is 256 random bits and `createApiKey` picks a display prefix no other
-- key has, so the lookups keep plain indexes and the unique keys gain the org. Safe to run twice.
DROP INDEX IF EXISTS api_keys_hash;
DROP INDEX IF EXISTS api_keys_prefix;
CREATE UNIQUE INDEX IF NOT EXISTS api_keys_org_hash ON api_keys (org_id, key_hash);
CREATE INDEX IF NOT EXISTS api_keys_by_hash ON api_keys (key_hash);
CREATE INDEX IF NOT EXISTS api_keys_by_prefix ON api_keys (prefix);
