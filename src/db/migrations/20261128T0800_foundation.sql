-- Foundation: departments, users, sessions, API keys, the append-only audit log, settings, subjects.
-- Convention: every foreign key is DEFERRABLE, so `citycredit db restore` can load tables in any order.
-- Write to the PostgreSQL 15 subset; large tables carry subject_id for a later Citus distribution.

CREATE TABLE departments (
  id            serial PRIMARY KEY,
  code          text NOT NULL UNIQUE,            -- short code, e.g. SCJGJ
  name          text NOT NULL UNIQUE,            -- full official name, e.g. 西宁市市场监督管理局
  short_name    text NOT NULL,                   -- e.g. 市场监管局
  kind          text NOT NULL CHECK (kind IN ('office', 'city_unit', 'district', 'soe')),
  parent_id     integer REFERENCES departments(id) DEFERRABLE,
  region_code   text,                            -- GB/T 2260 code for districts and counties
  uscc          text,                            -- the unit's own unified social credit code, when known
  sort_order    integer NOT NULL DEFAULT 0,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX departments_parent_idx ON departments (parent_id);

CREATE TABLE users (
  id                    serial PRIMARY KEY,
  username              text NOT NULL,
  display_name          text NOT NULL,
  password_hash         text NOT NULL,
  role                  text NOT NULL CHECK (role IN ('admin', 'reporter', 'reviewer', 'district_admin', 'auditor')),
  department_id         integer REFERENCES departments(id) DEFERRABLE,
  active                boolean NOT NULL DEFAULT true,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  -- department roles must belong to a department
  CHECK (role IN ('admin', 'auditor') OR department_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

CREATE TABLE sessions (
  token_hash    text PRIMARY KEY,                -- sha256 of the cookie token; the token itself is never stored
  user_id       integer NOT NULL REFERENCES users(id) ON DELETE CASCADE DEFERRABLE,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  ip            text,
  user_agent    text,
  revoked_at    timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE login_failures (
  id            bigserial PRIMARY KEY,
  username      text NOT NULL,
  ip            text,
  at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_user_idx ON login_failures (lower(username), at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);

CREATE TABLE api_keys (
  id            serial PRIMARY KEY,
  app_key       text NOT NULL UNIQUE,
  secret_enc    text NOT NULL,                   -- AES-256-GCM under the instance secret; needed to verify HMACs
  name          text NOT NULL,
  department_id integer NOT NULL REFERENCES departments(id) DEFERRABLE,
  created_by    integer REFERENCES users(id) DEFERRABLE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  last_used_at  timestamptz
);

CREATE TABLE api_nonces (
  app_key       text NOT NULL,
  nonce         text NOT NULL,
  at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_key, nonce)
);
CREATE INDEX api_nonces_at_idx ON api_nonces (at);

-- Append-only audit log: sign-ins, every change, every staff read of unmasked personal data.
CREATE TABLE audit_log (
  id                   bigserial PRIMARY KEY,
  at                   timestamptz NOT NULL DEFAULT now(),
  actor_user_id        integer,
  actor_username       text,
  actor_role           text,
  actor_department_id  integer,
  actor_app_key        text,
  action               text NOT NULL,
  target               text,
  outcome              text NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok', 'denied', 'failed')),
  detail               jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip                   text,
  request_id           text
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (lower(actor_username), at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'P0001';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE settings (
  key           text PRIMARY KEY,
  value         jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- 主体库: the subject registry, keyed by the unified social credit code where there is one.
CREATE TABLE subjects (
  id                    bigserial PRIMARY KEY,
  kind                  text NOT NULL CHECK (kind IN ('legal', 'individual_business', 'natural_person')),
  name                  text NOT NULL,
  uscc                  text UNIQUE,
  legal_representative  text,
  region_code           text,
  registered_on         date,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subjects_region_idx ON subjects (region_code);
