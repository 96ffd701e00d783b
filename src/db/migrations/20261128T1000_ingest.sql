-- 归集 storage: catalogue versions, upload batches with receipts, rejected rows, records and their versions,
-- subject identifiers (legacy codes) and name variants. Every foreign key is DEFERRABLE (see the first migration).

-- 资源目录: each catalogue item is versioned data; a new version is reviewed before it becomes active.
CREATE TABLE catalog_versions (
  item_id       text NOT NULL,
  version       integer NOT NULL,
  name          text NOT NULL,
  record_type   text NOT NULL,
  definition    jsonb NOT NULL,
  status        text NOT NULL CHECK (status IN ('draft', 'in_review', 'active', 'retired')),
  builtin       boolean NOT NULL DEFAULT false,
  created_by    integer REFERENCES users(id) DEFERRABLE,
  reviewed_by   integer REFERENCES users(id) DEFERRABLE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  activated_at  timestamptz,
  PRIMARY KEY (item_id, version)
);
CREATE UNIQUE INDEX catalog_versions_one_active ON catalog_versions (item_id) WHERE status = 'active';

-- One upload (file, API call, form entry or CLI import) and its receipt (回执) counts.
CREATE TABLE ingest_batches (
  id               bigserial PRIMARY KEY,
  department_id    integer NOT NULL REFERENCES departments(id) DEFERRABLE,
  item_id          text NOT NULL,
  catalog_version  integer NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('file', 'api', 'form', 'cli')),
  file_name        text,
  file_sha256      text,
  file_bytes       bigint,
  format           text,
  encoding         text,
  status           text NOT NULL CHECK (status IN ('processing', 'committed', 'rejected', 'failed')),
  total            integer NOT NULL DEFAULT 0,
  accepted         integer NOT NULL DEFAULT 0,
  rejected         integer NOT NULL DEFAULT 0,
  new_records      integer NOT NULL DEFAULT 0,
  updated          integer NOT NULL DEFAULT 0,
  duplicates       integer NOT NULL DEFAULT 0,
  withdrawn        integer NOT NULL DEFAULT 0,
  late             integer NOT NULL DEFAULT 0,
  file_errors      jsonb NOT NULL DEFAULT '[]'::jsonb,
  header           jsonb,                 -- the header row as uploaded, for the correctable error file
  created_by       integer REFERENCES users(id) DEFERRABLE,
  api_key_id       integer REFERENCES api_keys(id) DEFERRABLE,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  FOREIGN KEY (item_id, catalog_version) REFERENCES catalog_versions (item_id, version) DEFERRABLE
);
CREATE INDEX ingest_batches_dept_idx ON ingest_batches (department_id, created_at DESC);
CREATE INDEX ingest_batches_sha_idx ON ingest_batches (file_sha256);

-- Rejected rows as uploaded, with their errors, for the receipt and the correctable error file.
CREATE TABLE ingest_rejects (
  batch_id     bigint NOT NULL REFERENCES ingest_batches(id) DEFERRABLE,
  row_number   integer NOT NULL,
  cells        jsonb NOT NULL,
  errors       jsonb NOT NULL,
  PRIMARY KEY (batch_id, row_number)
);

-- Natural persons are keyed by a keyed hash of the ID number; the number itself is stored encrypted
-- and shown masked (first 6 + last 4).
ALTER TABLE subjects ADD COLUMN id_hash text UNIQUE;
ALTER TABLE subjects ADD COLUMN id_masked text;
ALTER TABLE subjects ADD COLUMN id_enc text;

-- Legacy identifiers linked to a subject: organisation code (GB 11714), old registration number.
CREATE TABLE subject_identifiers (
  kind         text NOT NULL CHECK (kind IN ('org', 'regno')),
  value        text NOT NULL,
  subject_id   bigint NOT NULL REFERENCES subjects(id) DEFERRABLE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, value)
);
CREATE INDEX subject_identifiers_subject_idx ON subject_identifiers (subject_id);

CREATE TABLE subject_names (
  subject_id   bigint NOT NULL REFERENCES subjects(id) DEFERRABLE,
  name         text NOT NULL,
  first_seen   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject_id, name)
);

-- A credit record (双公示, list entry, …) by its key; its content lives in versions.
CREATE TABLE records (
  id               bigserial PRIMARY KEY,
  item_id          text NOT NULL,
  record_type      text NOT NULL,
  record_key       text NOT NULL,
  authority_uscc   text NOT NULL,
  doc_no           text NOT NULL,
  subject_id       bigint REFERENCES subjects(id) DEFERRABLE,
  department_id    integer NOT NULL REFERENCES departments(id) DEFERRABLE,
  current_version  integer NOT NULL,
  current_hash     text NOT NULL,
  status           text NOT NULL CHECK (status IN ('active', 'withdrawn')),
  decision_date    date,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (item_id, record_key)
);
CREATE INDEX records_subject_idx ON records (subject_id);
CREATE INDEX records_dept_idx ON records (department_id, decision_date DESC);

-- Nothing is overwritten: every change is a new version with its lineage.
CREATE TABLE record_versions (
  record_id        bigint NOT NULL REFERENCES records(id) DEFERRABLE,
  version          integer NOT NULL,
  subject_id       bigint,
  content          jsonb NOT NULL,
  content_hash     text NOT NULL,
  pii_enc          text,
  withdrawn        boolean NOT NULL DEFAULT false,
  late             boolean NOT NULL DEFAULT false,
  working_days     integer,
  provisional      boolean NOT NULL DEFAULT false,
  batch_id         bigint NOT NULL REFERENCES ingest_batches(id) DEFERRABLE,
  row_number       integer,
  channel          text NOT NULL,
  department_id    integer NOT NULL,
  catalog_version  integer NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (record_id, version)
);
CREATE INDEX record_versions_batch_idx ON record_versions (batch_id);

-- Legacy organisation codes resolve to the USCC that embeds them (positions 9–17, GB 32100).
CREATE INDEX subjects_embedded_org_idx ON subjects (substr(uscc, 9, 9)) WHERE uscc IS NOT NULL;
