-- Credit repair (信用修复, issue 15 §1; docs/domain/03-publicity.md §3.1–§3.3). Owned by the repair domain.
-- An application: one subject, one deciding department ("谁认定、谁修复"), one or more of its records.
-- Nothing is ever deleted: a decision adds columns, the record keeps its versions, the audit log the steps.
CREATE TABLE repair_applications (
  id               bigserial PRIMARY KEY,
  -- HMAC of the 查询码 under the instance secret: the code itself is shown once to the applicant.
  query_code_hash  text NOT NULL UNIQUE,
  subject_id       bigint NOT NULL REFERENCES subjects(id),
  uscc             text NOT NULL,
  -- The subject's name when applying (documents quote it as applied for; subjects stays its owner's).
  subject_name     text NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('standard', 'restructuring')),
  agent_name       text NOT NULL,
  -- The agent's mobile is personal data: AES-GCM under the 'pii' key, and a masked copy for staff lists.
  agent_mobile_enc text NOT NULL,
  agent_mobile_masked text NOT NULL,
  identity_kind    text NOT NULL CHECK (identity_kind IN ('power_of_attorney', 'legal_rep_proof', 'provincial')),
  department_id    integer NOT NULL REFERENCES departments(id),
  regime           text NOT NULL,
  status           text NOT NULL CHECK (status IN ('submitted', 'forwarded', 'approved', 'refused')),
  commitment_text  text NOT NULL,
  applied_on       date NOT NULL,
  answer_due       date NOT NULL,
  forwarded_on     date,
  forwarded_by     integer REFERENCES users(id),
  decide_due       date,
  decided_on       date,
  decided_at       timestamptz,
  decided_by       integer REFERENCES users(id),
  decision_reason  text,
  decision_no      text UNIQUE,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((status IN ('approved', 'refused')) = (decided_on IS NOT NULL))
);
CREATE INDEX repair_applications_open_idx ON repair_applications (department_id, answer_due) WHERE status IN ('submitted', 'forwarded');
CREATE INDEX repair_applications_subject_idx ON repair_applications (subject_id);

-- The records an application asks to repair. `open` is true until the application is decided, so that a
-- second open application for the same record is refused by the database too (partial unique index).
CREATE TABLE repair_application_records (
  application_id bigint NOT NULL REFERENCES repair_applications(id),
  record_id      bigint NOT NULL REFERENCES records(id),
  -- What the publicity engine said when the application was made (regime, earliest date, severity).
  facts          jsonb NOT NULL DEFAULT '{}',
  open           boolean NOT NULL DEFAULT true,
  PRIMARY KEY (application_id, record_id)
);
CREATE UNIQUE INDEX repair_application_records_open_uq ON repair_application_records (record_id) WHERE open;

-- Uploaded materials, in the database (bytea) so that backups carry them and no web path can serve them.
CREATE TABLE repair_materials (
  id             bigserial PRIMARY KEY,
  application_id bigint NOT NULL REFERENCES repair_applications(id),
  kind           text NOT NULL,
  file_name      text NOT NULL,
  media_type     text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  bytes          integer NOT NULL,
  sha256         text NOT NULL,
  content        bytea NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repair_materials_application_idx ON repair_materials (application_id);
