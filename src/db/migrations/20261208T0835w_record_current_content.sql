-- The version model of issue 18: a record's current content is stored once, on the record itself; the
-- superseded versions, with the provenance of each, move to record_history. An import then writes one row per
-- new record instead of a record and a version (a second heap row with its jsonb and two index entries), and
-- a changed record first copies its current version into record_history, so nothing is overwritten without
-- its old content kept.
--
-- `record_versions` becomes a view over both (the current version of every record that has content, then
-- its history), with the columns the table had: every reader of a record's history, its current version
-- joined by (record_id, version) or the versions of a batch keeps working and means the same.
ALTER TABLE record_versions RENAME TO record_history;
ALTER INDEX record_versions_pkey RENAME TO record_history_pkey;
ALTER INDEX record_versions_batch_idx RENAME TO record_history_batch_idx;

-- The current version's columns on the record. Status stands for the version's `withdrawn`, current_version
-- for its number and current_hash for its content hash. Nullable: a record written outside an import (a
-- test's fixture) has no version, as before it had no version row.
ALTER TABLE records
  ADD COLUMN content jsonb,
  ADD COLUMN pii_enc text,
  ADD COLUMN version_subject_id bigint,
  ADD COLUMN late boolean NOT NULL DEFAULT false,
  ADD COLUMN working_days integer,
  ADD COLUMN provisional boolean NOT NULL DEFAULT false,
  ADD COLUMN batch_id bigint,
  ADD COLUMN row_number integer,
  ADD COLUMN channel text,
  ADD COLUMN version_department_id integer,
  ADD COLUMN catalog_version integer,
  ADD COLUMN version_at timestamptz;

UPDATE records r
   SET content = h.content, pii_enc = h.pii_enc, version_subject_id = h.subject_id, late = h.late, working_days = h.working_days,
       provisional = h.provisional, batch_id = h.batch_id, row_number = h.row_number, channel = h.channel,
       version_department_id = h.department_id, catalog_version = h.catalog_version, version_at = h.created_at
  FROM record_history h
 WHERE h.record_id = r.id AND h.version = r.current_version;

DELETE FROM record_history h USING records r WHERE h.record_id = r.id AND h.version = r.current_version;

-- The versions a batch wrote (receipts, collection figures, the lists feed) are found by batch on both tables.
CREATE INDEX records_batch_idx ON records (batch_id);

CREATE VIEW record_versions AS
  SELECT id AS record_id, current_version AS version, version_subject_id AS subject_id, content, current_hash AS content_hash, pii_enc,
         status = 'withdrawn' AS withdrawn, late, working_days, provisional, batch_id, row_number, channel,
         version_department_id AS department_id, catalog_version, version_at AS created_at
    FROM records
   WHERE content IS NOT NULL
  UNION ALL
  SELECT record_id, version, subject_id, content, content_hash, pii_enc, withdrawn, late, working_days, provisional, batch_id, row_number,
         channel, department_id, catalog_version, created_at
    FROM record_history;

-- The guards of 20261128T2000 (refuse_orphans('record_versions', …) on records and ingest_batches) now read
-- this view: a record that has a version (its own current content or history) and a batch that wrote one are
-- still never deleted or renumbered.
