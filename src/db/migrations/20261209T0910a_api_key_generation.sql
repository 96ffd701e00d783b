-- Signed checks keep the API keys in memory (issue 14 "Performance"; src/domains/auth/apikeys.cache.ts). This
-- generation is bumped, inside the writing transaction, by every change that can alter how a signed request is
-- answered: a key created, revoked, re-encrypted or deleted, a department deactivated, reactivated or renamed.
-- A check compares it in its own statement (the one that records the nonce), so a key revoked by any process is
-- refused by every process on its very next request. The key's last use (last_used_at) does not bump it.
CREATE TABLE api_keys_generation (
  id   boolean PRIMARY KEY DEFAULT true CHECK (id),
  gen  bigint NOT NULL DEFAULT 1
);
INSERT INTO api_keys_generation DEFAULT VALUES;

CREATE FUNCTION api_keys_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE api_keys_generation SET gen = gen + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER api_keys_bump
  AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF app_key, secret_enc, department_id, revoked_at ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION api_keys_bump();
CREATE TRIGGER api_keys_bump
  AFTER DELETE OR TRUNCATE OR UPDATE OF active, name ON departments
  FOR EACH STATEMENT EXECUTE FUNCTION api_keys_bump();

-- What a check stores, slimmed: no reader filters the hits by list type alone (statistics join them to their
-- checks by check_id, which the primary key serves), so this index only cost every check an index insert.
DROP INDEX sanction_check_hits_type_idx;
