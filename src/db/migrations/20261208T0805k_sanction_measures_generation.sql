-- The measures catalogue's generation (issue 14 "Performance"): checks keep the active measures in memory and
-- compare this number in their own statement, so a measure added, amended or retired by any process — the
-- console, the CLI, another server — is seen by the next check everywhere. The trigger bumps it inside the
-- writing transaction, so a check sees the new number exactly when it can see the change. `instance` tells
-- databases apart, with the database's OID (clones of one migrated template share the instance).
CREATE TABLE sanction_measures_generation (
  id        boolean PRIMARY KEY DEFAULT true CHECK (id),
  instance  uuid NOT NULL DEFAULT gen_random_uuid(),
  gen       bigint NOT NULL DEFAULT 1
);
INSERT INTO sanction_measures_generation DEFAULT VALUES;

CREATE FUNCTION sanction_measures_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE sanction_measures_generation SET gen = gen + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER sanction_measures_bump
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sanction_measures
  FOR EACH STATEMENT EXECUTE FUNCTION sanction_measures_bump();
