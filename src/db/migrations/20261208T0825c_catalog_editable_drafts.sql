-- The catalogue editor (issue 17 §4) saves a draft on the server as it is worked on, and a draft may be
-- given up. A version that has never left 'draft' is nobody's reference yet: ingest only ever uses the active
-- version, so no record, batch or cached definition (catalog.repository.ts itemDefinitions) names a draft. Its
-- definition may therefore change while it stays a draft; once submitted, reviewed or active it is as
-- immutable as before. A draft is never deleted (its number is not handed out again and the audit log's
-- "catalog:x@N" stays unambiguous): it is set aside as 'discarded'.
ALTER TABLE catalog_versions DROP CONSTRAINT catalog_versions_status_check;
ALTER TABLE catalog_versions ADD CONSTRAINT catalog_versions_status_check
  CHECK (status IN ('draft', 'in_review', 'active', 'retired', 'discarded'));

-- The trigger (BEFORE UPDATE OF item_id, version, definition, name, record_type OR DELETE) fires on those columns
-- only; a status change alone is checked by a second trigger below.
CREATE OR REPLACE FUNCTION catalog_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'catalogue versions cannot be truncated' USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'catalogue version %@% cannot be deleted', OLD.item_id, OLD.version USING ERRCODE = 'P0001';
  END IF;
  IF NEW.item_id IS DISTINCT FROM OLD.item_id OR NEW.version IS DISTINCT FROM OLD.version THEN
    RAISE EXCEPTION 'catalogue version %@% is immutable: store a new version instead', OLD.item_id, OLD.version USING ERRCODE = 'P0001';
  END IF;
  -- A version that was ever active never becomes a draft (or in review) again, so it can never be rewritten.
  IF OLD.activated_at IS NOT NULL AND NEW.status IN ('draft', 'in_review') THEN
    RAISE EXCEPTION 'catalogue version %@% was active and cannot return to review', OLD.item_id, OLD.version USING ERRCODE = 'P0001';
  END IF;
  -- A draft that stays a draft may be rewritten; anything else keeps its definition.
  IF (NEW.definition IS DISTINCT FROM OLD.definition OR NEW.name IS DISTINCT FROM OLD.name
      OR NEW.record_type IS DISTINCT FROM OLD.record_type)
     AND NOT (OLD.status = 'draft' AND NEW.status = 'draft' AND OLD.activated_at IS NULL) THEN
    RAISE EXCEPTION 'catalogue version %@% is immutable: store a new version instead', OLD.item_id, OLD.version USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER catalog_versions_no_reopen BEFORE UPDATE OF status ON catalog_versions
  FOR EACH ROW EXECUTE FUNCTION catalog_versions_immutable();

-- When a draft was last saved (the editor shows it); NULL for versions stored before this migration.
ALTER TABLE catalog_versions ADD COLUMN updated_at timestamptz;
