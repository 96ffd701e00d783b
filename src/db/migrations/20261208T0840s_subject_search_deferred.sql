-- 主体检索 off the receipt path (issue 18): an import's new subjects get their search columns from the
-- background indexer (subjects.service.ts backfillSearchColumns, the `subject-search` service job) after the
-- batch commits, not inside the import's transaction. Until then such a subject is found by its exact USCC (or
-- ID hash) through the unique indexes, and not by name.
--
-- A deferred row is inserted with name_norm NULL, pinyin_initials NULL and name_bigrams '' (an empty tsvector:
-- the marker that tells the row trigger to leave it alone). It matches no name query (NULL never LIKEs, an empty
-- tsvector matches no tsquery) and is on the indexer's work list (subjects_search_pending_idx, pinyin NULL).
--
-- Insert trigger: it now fires only when name_bigrams is not supplied. The cases:
--   * neither column supplied (a plain INSERT: seed, tests, a form): fires as before, searchable at once;
--   * both supplied (a writer that computed them, migration 20261128T1900): skipped as before;
--   * name_norm NULL with name_bigrams '' (deferred, subjects.bulk.ts): skipped, pending for the indexer;
--   * name_norm supplied without name_bigrams: fires as before.
DROP TRIGGER subjects_search_fill_insert ON subjects;
CREATE TRIGGER subjects_search_fill_insert BEFORE INSERT ON subjects
  FOR EACH ROW WHEN (NEW.name_bigrams IS NULL)
  EXECUTE FUNCTION subjects_search_fill();

-- Update trigger: the indexer writes name_norm together with the bigrams it computed in JS (search.ts
-- bigramsTsvector, the same lexemes as subject_name_bigrams: subjects.indexer.test.ts checks it), which spares
-- a PL/pgSQL call per subject. The trigger still runs on every rename, and on every change of name_norm that
-- does not bring new bigrams with it.
DROP TRIGGER subjects_search_fill_update ON subjects;
CREATE TRIGGER subjects_search_fill_update BEFORE UPDATE OF name, name_norm ON subjects
  FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name OR NEW.name_bigrams IS NOT DISTINCT FROM OLD.name_bigrams)
  EXECUTE FUNCTION subjects_search_fill();
