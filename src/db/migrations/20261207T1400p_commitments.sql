-- 信用承诺 (issue 15 §3, docs/domain/02-catalogue.md §2.2). Commitments departments receive are collected as the
-- catalogue item credit_commitment_v1 (records of type 'commitment', owned by ingest); a subject's own 主动型
-- commitment made on the portal is kept here; fulfilment (履约 / 违诺) of either is marked here.
CREATE TABLE commitments (
  id                      bigserial PRIMARY KEY,
  subject_id              bigint NOT NULL REFERENCES subjects(id) DEFERRABLE,
  kind                    text NOT NULL CHECK (kind IN ('approval', 'tolerance', 'industry', 'repair', 'voluntary')),
  matter                  text NOT NULL,
  text                    text NOT NULL,
  made_on                 date NOT NULL,
  applicant_name          text NOT NULL,
  applicant_mobile_enc    text NOT NULL,
  applicant_mobile_masked text NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commitments_subject_idx ON commitments (subject_id, id DESC);

-- Whether a commitment was kept: for a collected record (record_id) or an online commitment (commitment_id).
CREATE TABLE commitment_fulfilments (
  id             bigserial PRIMARY KEY,
  record_id      bigint UNIQUE REFERENCES records(id) DEFERRABLE,
  commitment_id  bigint UNIQUE REFERENCES commitments(id) DEFERRABLE,
  outcome        text NOT NULL CHECK (outcome IN ('kept', 'breached')),
  basis          text NOT NULL,
  department_id  integer REFERENCES departments(id) DEFERRABLE,
  user_id        integer NOT NULL REFERENCES users(id) DEFERRABLE,
  marked_on      date NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((record_id IS NULL) <> (commitment_id IS NULL))
);
CREATE INDEX commitment_fulfilments_marked_idx ON commitment_fulfilments (marked_on);
