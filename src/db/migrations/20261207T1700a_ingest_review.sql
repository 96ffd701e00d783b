-- A review step before a batch is written (issue 17 §3): per department, the credit office may require that
-- batches be approved by the department's 审核员 (or the credit office) before they enter the records. Such a
-- batch is validated at upload, its rows held in ingest_review_rows, and its status 'pending_review'; approval
-- runs the ordinary commit, a return ends it ('returned') with the reviewer's note. Nothing of a batch is in
-- records (so nothing is public, shared or counted) before approval.
ALTER TABLE departments ADD COLUMN review_required boolean NOT NULL DEFAULT false;

ALTER TABLE ingest_batches DROP CONSTRAINT ingest_batches_status_check;
ALTER TABLE ingest_batches ADD CONSTRAINT ingest_batches_status_check
  CHECK (status IN ('processing', 'pending_review', 'returned', 'committed', 'rejected', 'failed'));
ALTER TABLE ingest_batches ADD COLUMN reviewed_by integer REFERENCES users(id) DEFERRABLE;
ALTER TABLE ingest_batches ADD COLUMN reviewed_at timestamptz;
ALTER TABLE ingest_batches ADD COLUMN review_note text;
-- The review queue: batches awaiting review, by department.
CREATE INDEX ingest_batches_review_idx ON ingest_batches (department_id, id) WHERE status = 'pending_review';

-- The rows of a batch awaiting review (every data row, accepted or not, so that approval replays the file
-- exactly): the cells shown to the reviewer with personal cells masked as in ingest_rejects, and the row as read
-- (cells and source facts) sealed under the 'pii' key for the replay. Deleted in the transaction that commits the
-- batch, or when it is returned.
CREATE TABLE ingest_review_rows (
  batch_id    bigint NOT NULL REFERENCES ingest_batches(id) DEFERRABLE,
  row_number  integer NOT NULL,
  accepted    boolean NOT NULL,
  cells       jsonb NOT NULL,
  source_enc  text NOT NULL,
  PRIMARY KEY (batch_id, row_number)
);
