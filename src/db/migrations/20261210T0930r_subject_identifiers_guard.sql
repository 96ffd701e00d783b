-- Issue 18, PostgreSQL's share of an import's CPU: the foreign key subject_identifiers.subject_id → subjects(id)
-- was checked row by row after each INSERT of legacy-code links (a look-up in subjects and a row lock on the
-- subject, through the RI trigger): about 11 µs per link on the import bench (`npm run bench -- pgcost`, 3c),
-- against about 4 µs for the rest of the link's insert.
--
-- The same trade as 20261128T1700 and 20261128T2000 made for records and versions. Links are written only by
-- subjects.bulk.ts linkSubjects, with a subject id it has just read or created in the same transaction, so the
-- platform never writes a dangling link; subjects are never deleted or renumbered by the platform, and the guard
-- on subjects (refuse_orphans, 20261128T2000) now also refuses a manual DELETE or id change of a subject that a
-- legacy-code link still names (SQLSTATE 23503, as the foreign key answered), using subject_identifiers_subject_idx.
ALTER TABLE subject_identifiers DROP CONSTRAINT subject_identifiers_subject_id_fkey;

DROP TRIGGER subjects_orphans_guard ON subjects;
CREATE TRIGGER subjects_orphans_guard BEFORE DELETE OR UPDATE OF id ON subjects
  FOR EACH ROW EXECUTE FUNCTION refuse_orphans('records', 'subject_id', 'subject_identifiers', 'subject_id');
