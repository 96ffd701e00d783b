-- Joint reward and punishment (联合奖惩, issue 14; docs/domain/04-joint-measures.md §4.1, §4.1b, §4.2). Owned by
-- the sanctions domain.

-- 措施清单: measures as versioned master data. One row per version of a measure (code); at most one version of a
-- code is active. A measure without a legal basis cannot be active (国办发〔2020〕49号: 依法依规, 清单管理).
CREATE TABLE sanction_measures (
  id                 bigserial PRIMARY KEY,
  code               text NOT NULL,
  version            integer NOT NULL CHECK (version >= 1),
  name               text NOT NULL,
  class              smallint NOT NULL CHECK (class IN (1, 2, 3)),
  kind               text NOT NULL CHECK (kind IN ('punishment', 'incentive')),
  list_types         text[] NOT NULL,
  scenarios          text[] NOT NULL,
  legal_basis        text,
  basis_doc_no       text,
  implementing_dept  text NOT NULL,
  edition            text NOT NULL CHECK (edition IN ('2021', '2022', '2024', 'local')),
  source             text,
  status             text NOT NULL CHECK (status IN ('draft', 'active', 'superseded', 'retired')),
  created_by         integer REFERENCES users(id) DEFERRABLE,
  created_at         timestamptz NOT NULL DEFAULT now(),
  retired_at         timestamptz,
  UNIQUE (code, version),
  CONSTRAINT sanction_measures_active_basis CHECK (status <> 'active' OR coalesce(btrim(legal_basis), '') <> '')
);
CREATE UNIQUE INDEX sanction_measures_one_active ON sanction_measures (code) WHERE status = 'active';

-- 事前核查: one row per check (a signed API call, a clerk's console check, or a screening file), with what was
-- answered; the case id (核查编号) ties the check to its feedback (§4.2 step 3).
CREATE TABLE sanction_checks (
  id              bigserial PRIMARY KEY,
  case_no         text NOT NULL UNIQUE,
  department_id   integer NOT NULL REFERENCES departments(id) DEFERRABLE,
  channel         text NOT NULL CHECK (channel IN ('api', 'console', 'screening')),
  scenario        text NOT NULL,
  user_id         integer REFERENCES users(id) DEFERRABLE,
  api_key_id      integer,
  checked_at      timestamptz NOT NULL DEFAULT now(),
  subjects        integer NOT NULL,
  hits            integer NOT NULL,
  -- (subject, measure) pairs the department owes feedback on, and how many it has given.
  feedback_due    integer NOT NULL DEFAULT 0,
  feedback_given  integer NOT NULL DEFAULT 0,
  answer          jsonb NOT NULL
);
CREATE INDEX sanction_checks_dept_idx ON sanction_checks (department_id, checked_at DESC);
CREATE INDEX sanction_checks_open_idx ON sanction_checks (department_id, checked_at) WHERE feedback_given < feedback_due;

-- The list entries a check hit, one row per check × entry (for statistics by list type).
CREATE TABLE sanction_check_hits (
  check_id    bigint NOT NULL REFERENCES sanction_checks(id) ON DELETE CASCADE DEFERRABLE,
  subject_id  bigint NOT NULL,
  entry_id    bigint NOT NULL,
  list_type   text NOT NULL,
  color       text NOT NULL CHECK (color IN ('black', 'red')),
  PRIMARY KEY (check_id, entry_id)
);
CREATE INDEX sanction_check_hits_type_idx ON sanction_check_hits (list_type);

-- 反馈: per check, subject and measure, what the department did. A notable case (marked by the credit office)
-- becomes a 联合奖惩案例 on the portal with its public summary.
CREATE TABLE sanction_feedback (
  id                bigserial PRIMARY KEY,
  check_id          bigint NOT NULL REFERENCES sanction_checks(id) DEFERRABLE,
  subject_id        bigint NOT NULL,
  measure_id        bigint NOT NULL REFERENCES sanction_measures(id) DEFERRABLE,
  list_types        text[] NOT NULL,
  applied           boolean NOT NULL,
  reason            text,
  case_description  text NOT NULL,
  acted_on          date NOT NULL,
  officer_id        integer NOT NULL REFERENCES users(id) DEFERRABLE,
  department_id     integer NOT NULL REFERENCES departments(id) DEFERRABLE,
  created_at        timestamptz NOT NULL DEFAULT now(),
  notable_at        timestamptz,
  notable_by        integer REFERENCES users(id) DEFERRABLE,
  public_title      text,
  public_summary    text,
  UNIQUE (check_id, subject_id, measure_id)
);
CREATE INDEX sanction_feedback_notable_idx ON sanction_feedback (notable_at DESC) WHERE notable_at IS NOT NULL;
