-- 异议申诉 (issue 15 §2, docs/domain/03-publicity.md §3.4). Owned by the objections domain, except the mark on
-- records, which ingest owns and writes for it (setObjectionMark) and publicity reads for the public pages.

-- While an objection is open its records carry 异议处理中 ('marked') or leave the public pages ('hidden').
ALTER TABLE records ADD COLUMN objection_mark text CHECK (objection_mark IN ('marked', 'hidden'));

CREATE TABLE objections (
  id                      bigserial PRIMARY KEY,
  -- The 查询码 is shown once to the applicant; only its keyed hash is kept.
  query_code_hash         text NOT NULL UNIQUE,
  subject_id              bigint NOT NULL REFERENCES subjects(id) DEFERRABLE,
  department_id           integer NOT NULL REFERENCES departments(id) DEFERRABLE,
  scope                   text NOT NULL CHECK (scope IN ('error', 'omission', 'duplicate', 'not_public', 'over_period', 'inconsistent')),
  statement               text NOT NULL,
  applicant_relation      text NOT NULL CHECK (applicant_relation IN ('subject', 'concerned')),
  applicant_name          text NOT NULL,
  -- A natural person's mobile number: encrypted, shown masked.
  applicant_mobile_enc    text NOT NULL,
  applicant_mobile_masked text NOT NULL,
  pledge_text             text NOT NULL,
  status                  text NOT NULL CHECK (status IN ('precheck', 'awaiting_material', 'at_department', 'decided')),
  outcome                 text CHECK (outcome IN ('corrected', 'withdrawn', 'refused')),
  outcome_reason          text,
  material_note           text,
  -- The deadline of the current stage, in working days from its start (settings 'objections').
  due_on                  date NOT NULL,
  filed_at                timestamptz NOT NULL DEFAULT now(),
  sent_at                 timestamptz,
  decided_at              timestamptz,
  decided_by              integer REFERENCES users(id) DEFERRABLE,
  working_days            integer,
  CHECK ((status = 'decided') = (outcome IS NOT NULL))
);
CREATE INDEX objections_open_idx ON objections (due_on, id) WHERE status <> 'decided';
CREATE INDEX objections_dept_idx ON objections (department_id, status);
CREATE INDEX objections_filed_idx ON objections (filed_at);

-- The records an objection is about; at most one open objection per record.
CREATE TABLE objection_records (
  objection_id       bigint NOT NULL REFERENCES objections(id) DEFERRABLE,
  record_id          bigint NOT NULL REFERENCES records(id) DEFERRABLE,
  version_at_filing  integer NOT NULL,
  open               boolean NOT NULL DEFAULT true,
  -- The version that corrected the record (the outcome 'corrected').
  new_version        integer,
  PRIMARY KEY (objection_id, record_id)
);
CREATE UNIQUE INDEX objection_records_one_open ON objection_records (record_id) WHERE open;

-- Evidence: PDF, JPG or PNG, checked by their first bytes, kept with the objection (atomic with it).
CREATE TABLE objection_files (
  id            bigserial PRIMARY KEY,
  objection_id  bigint NOT NULL REFERENCES objections(id) DEFERRABLE,
  stage         text NOT NULL CHECK (stage IN ('filing', 'supplement')),
  file_name     text NOT NULL,
  mime          text NOT NULL CHECK (mime IN ('application/pdf', 'image/jpeg', 'image/png')),
  bytes         integer NOT NULL,
  sha256        text NOT NULL,
  content       bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX objection_files_objection_idx ON objection_files (objection_id);

-- Every step, for the portal's progress view and the console's history (the audit log has the same).
CREATE TABLE objection_steps (
  id             bigserial PRIMARY KEY,
  objection_id   bigint NOT NULL REFERENCES objections(id) DEFERRABLE,
  step           text NOT NULL CHECK (step IN ('filed', 'material_requested', 'material_added', 'sent', 'decided')),
  note           text,
  user_id        integer REFERENCES users(id) DEFERRABLE,
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX objection_steps_objection_idx ON objection_steps (objection_id, id);
