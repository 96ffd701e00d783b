-- Public reads keep catalogue definitions in memory by (item_id, version) instead of reading the ~10 KB
-- definition with every record (catalog.repository.ts itemDefinitions). That is only right while a stored
-- version never changes, which the platform already keeps to (a new definition is always a new version; review
-- moves only the status). These guards make it a property of the database: the identity and definition of a
-- version cannot be updated, and a version cannot be deleted (records and batches name their version, and a
-- deleted number would be handed out again by the next draft).
CREATE FUNCTION catalog_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'catalogue versions cannot be truncated' USING ERRCODE = 'P0001';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'catalogue version %@% cannot be deleted', OLD.item_id, OLD.version USING ERRCODE = 'P0001';
  END IF;
  IF NEW.item_id IS DISTINCT FROM OLD.item_id OR NEW.version IS DISTINCT FROM OLD.version
     OR NEW.definition IS DISTINCT FROM OLD.definition OR NEW.name IS DISTINCT FROM OLD.name
     OR NEW.record_type IS DISTINCT FROM OLD.record_type THEN
    RAISE EXCEPTION 'catalogue version %@% is immutable: store a new version instead', OLD.item_id, OLD.version USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER catalog_versions_no_change BEFORE UPDATE OF item_id, version, definition, name, record_type OR DELETE ON catalog_versions
  FOR EACH ROW EXECUTE FUNCTION catalog_versions_immutable();
CREATE TRIGGER catalog_versions_no_truncate BEFORE TRUNCATE ON catalog_versions
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_versions_immutable();
