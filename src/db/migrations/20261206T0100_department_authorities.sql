-- Issue 11 §1: a department may change only its own records, and may name only its own authority or one it
-- reports for. The credit office keeps, per department, the authorities it may report for (代报机关: a
-- district or an enforcement detachment reporting for its parent, say). The department's own USCC
-- (departments.uscc) is always allowed and is not listed here.
CREATE TABLE department_authorities (
  department_id  integer NOT NULL REFERENCES departments(id) ON DELETE CASCADE DEFERRABLE,
  authority_uscc text NOT NULL,
  authority_name text NOT NULL,
  note           text,
  created_by     integer REFERENCES users(id) DEFERRABLE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (department_id, authority_uscc)
);

-- A batch the credit office submits as a correction of other departments' records carries its reason
-- (更正原因): the "why" of every version it writes.
ALTER TABLE ingest_batches ADD COLUMN correction_reason text;
