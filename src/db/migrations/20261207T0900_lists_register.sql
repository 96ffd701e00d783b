-- The red/black list register (红黑名单, issue 14; docs/domain/04-joint-measures.md §4.2). Owned by the lists domain.
-- list_types: list types as versioned data (one row per version of a type); the definition holds the
-- determining authority, criteria document (认定标准 with 文号), validity, exit rules, subject kinds and source.
CREATE TABLE list_types (
  code        text NOT NULL,
  version     integer NOT NULL CHECK (version >= 1),
  name        text NOT NULL,
  color       text NOT NULL CHECK (color IN ('black', 'red')),
  definition  jsonb NOT NULL DEFAULT '{}',
  active      boolean NOT NULL DEFAULT true,
  created_by  integer REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (code, version)
);

-- One register of entries, whether collected through the 红名单/黑名单 catalogue items (origin 'collected',
-- with the record) or determined by the city (origin 'local'). Deduplicated by subject + list type + decision
-- number, so a second upload of the same entries adds nothing.
CREATE TABLE list_entries (
  id             bigserial PRIMARY KEY,
  list_type      text NOT NULL,
  subject_id     bigint NOT NULL REFERENCES subjects(id),
  decision_no    text NOT NULL,
  origin         text NOT NULL CHECK (origin IN ('collected', 'local')),
  record_id      bigint REFERENCES records(id),
  department_id  integer REFERENCES departments(id),
  status         text NOT NULL CHECK (status IN ('proposed', 'notified', 'reviewed', 'listed', 'removed', 'rejected')),
  listed_on      date,
  expires_on     date,
  removed_on     date,
  removed_reason text CHECK (removed_reason IN ('expired', 'repaired', 'revoked', 'court', 'other')),
  -- Optimistic lock: a transition names the lock_version it saw; the loser of two concurrent ones gets a 409.
  lock_version   integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subject_id, list_type, decision_no)
);
-- The check path: a subject's active entries.
CREATE INDEX list_entries_listed_idx ON list_entries (subject_id) WHERE status = 'listed';
CREATE INDEX list_entries_record_idx ON list_entries (record_id) WHERE record_id IS NOT NULL;
